package io.mnist.djl;

import io.mnist.api.contract.NetworkShapesContract;
import io.mnist.api.spi.DigitBackend;

/** The djl backend builds, runs, trains and round-trips every layer kind and option the network spec accepts. */
class DjlNetworkShapesTest extends NetworkShapesContract {
    @Override
    protected DigitBackend backend() {
        return new DjlBackend();
    }
}
