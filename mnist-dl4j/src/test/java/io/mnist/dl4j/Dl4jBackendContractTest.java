package io.mnist.dl4j;

import io.mnist.api.contract.DigitBackendContract;
import io.mnist.api.spi.DigitBackend;

/** The dl4j backend keeps every rule of the contract kit. */
class Dl4jBackendContractTest extends DigitBackendContract {
    @Override
    protected DigitBackend backend() {
        return new Dl4jBackend();
    }

    /**
     * DL4J takes about 8 ms per single prediction of this network on a 2-core machine (DJL: well under 1 ms), so
     * the normal test run probes 10,000 predictions, which still shows a leak of 5 KB per call. The full 100,000
     * (about 15 minutes): {@code mvn -pl mnist-dl4j -am verify -Dtest=Dl4jBackendContractTest
     * -Dsurefire.failIfNoSpecifiedTests=false -Dmnist.contract.memoryProbe=100000}.
     */
    @Override
    protected int memoryProbePredictions() {
        return 10_000;
    }
}
