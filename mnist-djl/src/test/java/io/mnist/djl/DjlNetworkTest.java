package io.mnist.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import org.junit.jupiter.api.Test;

/** The DJL network is built from the spec and moves weights to and from the neutral layout without loss. */
class DjlNetworkTest {

    @Test
    void buildsTheSeedNetworkWithTheSpecsParametersAndShapes() {
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            DjlNetwork network = new DjlNetwork(NetworkSpec.seed());
            network.initialize(manager);
            assertThat(network.parameterCount()).isEqualTo(1_199_882L);
            assertThat(network.parameterShapes()).isEqualTo(network.expectedShapes());
        }
    }

    @Test
    void neutralWeightsSurviveTheRoundTripThroughDjlsLayout() {
        NetworkWeights initial = NetworkWeights.initial(NetworkSpec.seed(), 7);
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            DjlNetwork network = new DjlNetwork(NetworkSpec.seed());
            network.initialize(manager);
            network.setWeights(initial);
            assertThat(network.weights()).isEqualTo(initial);
        }
    }
}
