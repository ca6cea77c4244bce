package io.mnist.dl4j;

import io.mnist.api.contract.DigitBackendContract;
import io.mnist.api.spi.DigitBackend;

/**
 * The dl4j backend keeps every rule of the contract kit, including the full 100,000-prediction memory probe (about
 * 1 ms per single prediction since the convolutions run on oneDNN, channels-last).
 */
class Dl4jBackendContractTest extends DigitBackendContract {
    @Override
    protected DigitBackend backend() {
        return new Dl4jBackend();
    }
}
