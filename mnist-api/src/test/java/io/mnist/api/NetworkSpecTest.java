package io.mnist.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.NetworkSpec.Activation;
import io.mnist.api.NetworkSpec.Dense;
import io.mnist.api.NetworkSpec.Flatten;
import io.mnist.api.internal.ManifestJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {
    @Test
    void theSeedNetworkHasTheKerasParameterCount() {
        assertThat(NetworkSpec.seed().parameterCount()).isEqualTo(1_199_882L);
    }

    @Test
    void countsTheArithmeticOfAForwardPass() {
        // conv1 26*26*32*9, conv2 24*24*64*9*32, dense 9216*128 and 128*10: the 24 MFLOP per image (72 to train)
        // that benchmarks turn into GFLOP/s.
        assertThat(NetworkSpec.seed().multiplyAddsPerImage()).isEqualTo(194_688L + 10_616_832L + 1_179_648L + 1_280L);
        assertThat(NetworkSpec.compact().parameterCount()).isEqualTo(329_962L);
        assertThat(NetworkSpec.compact().multiplyAddsPerImage()).as("the compact network costs less per image")
                .isLessThan(NetworkSpec.seed().multiplyAddsPerImage());
    }

    @Test
    void survivesJsonAsTheManifestStoresIt() throws Exception {
        String json = ManifestJson.mapper().writeValueAsString(TrainingConfig.defaults());
        assertThat(json).contains("\"type\" : \"conv2d\"").contains("\"rate\" : 0.25");
        assertThat(ManifestJson.mapper().readValue(json, TrainingConfig.class)).isEqualTo(TrainingConfig.defaults());
    }

    @Test
    void rejectsNetworksThatCannotBeBuilt() {
        assertThatThrownBy(() -> new NetworkSpec(List.of(new Dense(10, Activation.SOFTMAX)),
                NetworkSpec.Initializer.GLOROT_UNIFORM)).hasMessageContaining("add a Flatten layer");
        assertThatThrownBy(() -> new NetworkSpec(List.of(new Flatten(), new Dense(5, Activation.SOFTMAX)),
                NetworkSpec.Initializer.GLOROT_UNIFORM)).hasMessageContaining("Dense(10, SOFTMAX)");
        assertThatThrownBy(() -> new NetworkSpec.Dropout(1.0)).hasMessageContaining("[0, 1)");
    }

    @Test
    void configValidatesItsSettings() {
        assertThatThrownBy(() -> TrainingConfig.builder().batchSize(0).build())
                .hasMessage("batchSize must be at least 1, got 0");
        assertThatThrownBy(() -> TrainingConfig.builder().learningRate(-1).build())
                .hasMessageContaining("learningRate must be a positive number");
        assertThat(TrainingConfig.defaults()).satisfies(c -> {
            assertThat(c.epochs()).isEqualTo(5);
            assertThat(c.batchSize()).isEqualTo(128);
            assertThat(c.optimizer()).isEqualTo(TrainingConfig.Optimizer.RMSPROP);
            assertThat(c.learningRate()).isEqualTo(0.001);
        });
    }

    @Test
    void initialWeightsFollowGlorotWithZeroBiasesAndDependOnlyOnTheSeed() {
        NetworkWeights w = NetworkWeights.initial(NetworkSpec.seed(), 7);
        assertThat(w.parameterCount()).isEqualTo(1_199_882L);
        assertThat(w.tensors()).extracting(NetworkWeights.Tensor::name).containsExactly(
                "0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias", "7.weight", "7.bias");
        assertThat(w.tensors().get(2).shape()).as("conv kernel layout").containsExactly(3, 3, 32, 64);
        assertThat(w.tensors().get(4).shape()).as("dense layout [inputs][units]").containsExactly(9216, 128);
        double limit = Math.sqrt(6.0 / (9216 + 128));
        float[] dense = w.tensors().get(4).values();
        double max = 0;
        double sumSq = 0;
        for (float v : dense) {
            max = Math.max(max, Math.abs(v));
            sumSq += v * v;
        }
        assertThat(max).isLessThanOrEqualTo(limit).isGreaterThan(0.99 * limit);
        assertThat(Math.sqrt(sumSq / dense.length)).as("uniform variance limit^2/3")
                .isCloseTo(limit / Math.sqrt(3), org.assertj.core.api.Assertions.within(0.01 * limit));
        assertThat(w.tensors().get(5).values()).containsOnly(0f);
        assertThat(NetworkWeights.initial(NetworkSpec.seed(), 7)).isEqualTo(w);
        assertThat(NetworkWeights.initial(NetworkSpec.seed(), 8)).isNotEqualTo(w);
    }
}
