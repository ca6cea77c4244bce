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
    void shapesFollowKerasPaddingAndStrides() {
        // TensorFlow's rule: SAME gives ceil(n / s); 28 with a 5-window, stride 2: 14 outputs, 3 padded in all,
        // 1 before and 2 after.
        assertThat(NetworkSpec.Padding.SAME.outputSize(28, 5, 2)).isEqualTo(14);
        assertThat(NetworkSpec.Padding.SAME.padBefore(28, 5, 2)).isEqualTo(1);
        assertThat(NetworkSpec.Padding.SAME.padAfter(28, 5, 2)).isEqualTo(2);
        assertThat(NetworkSpec.Padding.VALID.outputSize(26, 3, 3)).as("Keras MaxPooling2D(3) on 26").isEqualTo(8);
        NetworkSpec spec = new NetworkSpec(List.of(
                new NetworkSpec.Conv2D(8, 5, 3, 2, 1, NetworkSpec.Padding.SAME, Activation.TANH),
                new NetworkSpec.BatchNorm(),
                new NetworkSpec.AveragePool(3, 3, 2, 2, NetworkSpec.Padding.SAME),
                new NetworkSpec.MaxPool(2),
                new Flatten(),
                new Dense(16, Activation.SIGMOID),
                new NetworkSpec.BatchNorm(),
                new Dense(11, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM, 255);
        assertThat(spec.inputShapes().get(1)).containsExactly(14, 28, 8);
        assertThat(spec.inputShapes().get(3)).containsExactly(7, 14, 8);
        assertThat(spec.inputShapes().get(5)).containsExactly(168);
        assertThat(spec.classes()).isEqualTo(11);
        assertThat(spec.parameterCount()).isEqualTo(5 * 3 * 8 + 8 + 4 * 8 + 168 * 16 + 16 + 4 * 16 + 16 * 11 + 11);
        NetworkWeights w = NetworkWeights.initial(spec, 1);
        assertThat(w.parameterCount()).isEqualTo(spec.parameterCount());
        assertThat(w.tensors()).extracting(NetworkWeights.Tensor::name).containsExactly("0.weight", "0.bias",
                "1.gamma", "1.beta", "1.movingMean", "1.movingVariance", "5.weight", "5.bias", "6.gamma", "6.beta",
                "6.movingMean", "6.movingVariance", "7.weight", "7.bias");
        assertThat(w.tensors().get(0).shape()).containsExactly(5, 3, 1, 8);
        assertThat(w.tensors().get(2).values()).as("gamma starts at one").containsOnly(1f);
        assertThat(w.tensors().get(5).values()).as("moving variance starts at one").containsOnly(1f);
        assertThat(w.tensors().get(4).values()).as("moving mean starts at zero").containsOnly(0f);
    }

    @Test
    void everyLayerKindSurvivesJsonAndOldFilesStillRead() throws Exception {
        NetworkSpec spec = new NetworkSpec(List.of(
                new NetworkSpec.Conv2D(4, 3, 2, 1, 2, NetworkSpec.Padding.SAME, Activation.RELU),
                new NetworkSpec.BatchNorm(1e-5, 0.9),
                new NetworkSpec.AveragePool(2),
                new NetworkSpec.MaxPool(3, 3, 2, 2, NetworkSpec.Padding.SAME),
                new NetworkSpec.Dropout(0.1),
                new Flatten(),
                new Dense(8, Activation.IDENTITY),
                new NetworkSpec.BatchNorm(1e-3, 0.99, Activation.RELU),
                new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.HE_NORMAL, 255);
        String json = ManifestJson.mapper().writeValueAsString(spec);
        assertThat(json).doesNotContain("classes").doesNotContain("inputShapes");
        assertThat(ManifestJson.mapper().readValue(json, NetworkSpec.class)).isEqualTo(spec);
        // As models written before strides, padding and input scales recorded their networks.
        String old = "{\"layers\":[{\"type\":\"conv2d\",\"filters\":32,\"kernel\":3,\"activation\":\"RELU\"},"
                + "{\"type\":\"maxpool\",\"size\":2},{\"type\":\"flatten\"},"
                + "{\"type\":\"dense\",\"units\":10,\"activation\":\"SOFTMAX\"}],\"initializer\":\"GLOROT_UNIFORM\"}";
        assertThat(ManifestJson.mapper().readValue(old, NetworkSpec.class)).isEqualTo(new NetworkSpec(List.of(
                new NetworkSpec.Conv2D(32, 3, Activation.RELU), new NetworkSpec.MaxPool(2), new Flatten(),
                new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM));
        assertThatThrownBy(() -> ManifestJson.mapper().readValue(old.replace("\"kernel\":3", "\"kernel\":0"),
                NetworkSpec.class)).hasMessageContaining("kernelHeight must be positive");
        // As models written before a batch normalisation carried an activation recorded it: none.
        String oldBatchNorm = "{\"layers\":[{\"type\":\"flatten\"},{\"type\":\"batchnorm\",\"epsilon\":0.01,"
                + "\"momentum\":0.9},{\"type\":\"dense\",\"units\":10,\"activation\":\"SOFTMAX\"}],"
                + "\"initializer\":\"GLOROT_UNIFORM\",\"inputScale\":1.0}";
        assertThat(ManifestJson.mapper().readValue(oldBatchNorm, NetworkSpec.class).layers().get(1))
                .isEqualTo(new NetworkSpec.BatchNorm(0.01, 0.9, Activation.IDENTITY));
    }

    @Test
    void rejectsNetworksThatCannotBeBuilt() {
        assertThatThrownBy(() -> new NetworkSpec(List.of(new Dense(10, Activation.SOFTMAX)),
                NetworkSpec.Initializer.GLOROT_UNIFORM)).hasMessageContaining("add a Flatten layer");
        assertThatThrownBy(() -> new NetworkSpec(List.of(new Flatten(), new Dense(5, Activation.SOFTMAX)),
                NetworkSpec.Initializer.GLOROT_UNIFORM)).hasMessageContaining("at least 10 units with SOFTMAX");
        assertThatThrownBy(() -> new NetworkSpec(List.of(new Flatten(), new Dense(8, Activation.SOFTMAX),
                new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM))
                .hasMessageContaining("Softmax is supported only on the last layer");
        assertThatThrownBy(() -> new NetworkSpec(List.of(new NetworkSpec.Conv2D(4, 30, Activation.RELU), new Flatten(),
                new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM))
                .hasMessageContaining("does not fit an input of 28");
        assertThatThrownBy(() -> new NetworkSpec(NetworkSpec.seed().layers(), NetworkSpec.Initializer.GLOROT_UNIFORM,
                Double.NaN)).hasMessageContaining("inputScale");
        assertThatThrownBy(() -> new NetworkSpec.Dropout(1.0)).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new NetworkSpec(List.of(new Flatten(), new Dense(16, Activation.IDENTITY),
                new NetworkSpec.BatchNorm(1e-3, 0.99, Activation.SOFTMAX), new Dense(10, Activation.SOFTMAX)),
                NetworkSpec.Initializer.GLOROT_UNIFORM)).hasMessageContaining("Softmax is supported only on the last");
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
