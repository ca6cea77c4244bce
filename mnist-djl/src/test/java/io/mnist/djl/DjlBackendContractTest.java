package io.mnist.djl;

import io.mnist.api.contract.DigitBackendContract;
import io.mnist.api.spi.DigitBackend;

/** The djl backend keeps every rule of the contract kit. */
class DjlBackendContractTest extends DigitBackendContract {
    @Override
    protected DigitBackend backend() {
        return new DjlBackend();
    }
}
