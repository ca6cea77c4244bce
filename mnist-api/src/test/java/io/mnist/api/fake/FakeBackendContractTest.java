package io.mnist.api.fake;

import io.mnist.api.contract.DigitBackendContract;
import io.mnist.api.spi.DigitBackend;

/** The fake backend keeps every rule of the contract kit. */
class FakeBackendContractTest extends DigitBackendContract {
    @Override
    protected DigitBackend backend() {
        return new FakeBackend();
    }
}
