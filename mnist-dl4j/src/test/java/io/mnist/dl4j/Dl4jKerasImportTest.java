package io.mnist.dl4j;

import io.mnist.api.contract.KerasImportContract;
import io.mnist.api.spi.DigitBackend;

/** Real Keras models imported on the dl4j backend give Keras' outputs and survive save and load. */
class Dl4jKerasImportTest extends KerasImportContract {
    @Override
    protected DigitBackend backend() {
        return new Dl4jBackend();
    }
}
