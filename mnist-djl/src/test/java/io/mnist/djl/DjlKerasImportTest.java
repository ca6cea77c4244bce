package io.mnist.djl;

import io.mnist.api.contract.KerasImportContract;
import io.mnist.api.spi.DigitBackend;

/** Real Keras models imported on the djl backend give Keras' outputs and survive save and load. */
class DjlKerasImportTest extends KerasImportContract {
    @Override
    protected DigitBackend backend() {
        return new DjlBackend();
    }
}
