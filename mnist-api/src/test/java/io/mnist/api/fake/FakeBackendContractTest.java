package io.mnist.api.fake;

import io.mnist.api.contract.DigitBackendContract;
import io.mnist.api.spi.DigitBackend;

/** The fake backend keeps every rule of the contract kit. */
class FakeBackendContractTest extends DigitBackendContract {
    /** Single predictions in the fake's memory probe. */
    static final int MEMORY_PROBE = 5_000;

    @Override
    protected DigitBackend backend() {
        return new FakeBackend();
    }

    /** The fake memorises images: it has no network weights to move. */
    @Override
    protected boolean hasNetworkWeights() {
        return false;
    }

    /** A test fake ships nothing. */
    @Override
    protected boolean shipsPretrainedModel() {
        return false;
    }

    /** The fake compares each image with all 6,000 it memorised: a smaller probe keeps its test quick. */
    @Override
    protected int memoryProbePredictions() {
        return MEMORY_PROBE;
    }
}
