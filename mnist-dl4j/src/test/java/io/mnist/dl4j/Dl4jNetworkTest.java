package io.mnist.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.TrainingConfig;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/** The DL4J network is built from the spec and moves weights to and from the neutral layout without loss. */
class Dl4jNetworkTest {

    @Test
    void buildsTheSeedNetworkWithTheSpecsParameterCount() {
        MultiLayerNetwork net = new Dl4jNetwork(NetworkSpec.seed()).create(TrainingConfig.builder().build());
        assertThat(net.numParams()).isEqualTo(1_199_882L);
    }

    @Test
    void convolutionsRunOnOneDnnNotOnDl4jsIm2col() {
        MultiLayerNetwork net = new Dl4jNetwork(NetworkSpec.seed()).create(TrainingConfig.builder().build());
        assertThat(Dl4jNetwork.usesOneDnn(net)).as("the oneDNN helper on the convolution layers (ND4J's %s"
                + " natives)", System.getProperty(Dl4jRuntime.EXTENSION_PROPERTY)).isTrue();
    }

    @Test
    void openMpThreadsSleepWhenIdleUnlessTheEnvironmentSaysOtherwise() {
        Dl4jRuntime.check();
        String chosen = System.getenv(Dl4jRuntime.WAIT_POLICY);
        assertThat(Dl4jRuntime.nativeEnvironment(Dl4jRuntime.WAIT_POLICY))
                .as("OMP_WAIT_POLICY as ND4J's natives read it").isEqualTo(chosen != null ? chosen : "PASSIVE");
    }

    @Test
    void dropoutKeepsOneMinusKerasRate() {
        MultiLayerNetwork net = new Dl4jNetwork(NetworkSpec.seed()).create(TrainingConfig.builder().build());
        var dropouts = java.util.Arrays.stream(net.getLayerWiseConfigurations().getConfs().toArray())
                .map(c -> ((org.deeplearning4j.nn.conf.NeuralNetConfiguration) c).getLayer())
                .filter(DropoutLayer.class::isInstance)
                .map(l -> ((org.deeplearning4j.nn.conf.dropout.Dropout) ((DropoutLayer) l).getIDropout()).getP())
                .toList();
        assertThat(dropouts).as("DL4J's retain probabilities for Keras rates 0.25 and 0.5").containsExactly(0.75, 0.5);
    }

    @Test
    void neutralWeightsSurviveTheRoundTripThroughDl4jsLayout() {
        NetworkWeights initial = NetworkWeights.initial(NetworkSpec.seed(), 7);
        Dl4jNetwork network = new Dl4jNetwork(NetworkSpec.seed());
        MultiLayerNetwork net = network.create(TrainingConfig.builder().build());
        network.setWeights(net, initial);
        assertThat(network.weights(net)).isEqualTo(initial);
    }
}
