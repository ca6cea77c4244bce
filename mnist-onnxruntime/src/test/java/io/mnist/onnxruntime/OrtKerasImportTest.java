package io.mnist.onnxruntime;

import io.mnist.api.contract.KerasImportContract;
import io.mnist.api.spi.DigitBackend;

/** Real Keras models imported on the ONNX Runtime backend give Keras' outputs and survive save and load. */
class OrtKerasImportTest extends KerasImportContract {
    @Override
    protected DigitBackend backend() {
        return new OrtBackend();
    }
}
