package io.mnist.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkSpec.Activation;
import io.mnist.api.NetworkSpec.AveragePool;
import io.mnist.api.NetworkSpec.BatchNorm;
import io.mnist.api.NetworkSpec.Conv2D;
import io.mnist.api.NetworkSpec.Dense;
import io.mnist.api.NetworkSpec.Flatten;
import io.mnist.api.NetworkSpec.MaxPool;
import io.mnist.api.NetworkSpec.Padding;
import io.mnist.api.NetworkWeights;
import io.mnist.api.contract.NetworkShapesContract;
import io.mnist.api.contract.ReferenceNetwork;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFile;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

    @ParameterizedTest
    @MethodSource("io.mnist.api.contract.NetworkShapesContract#shapes")
    void buildsEveryContractShapeWithTheSpecsParameterCountAndShapes(NetworkSpec spec) {
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            DjlNetwork network = new DjlNetwork(spec);
            network.initialize(manager);
            assertThat(network.parameterCount()).isEqualTo(spec.parameterCount());
            assertThat(network.parameterShapes()).isEqualTo(network.expectedShapes());
        }
    }

    /**
     * The engine flattens images in its own channel-major order and holds the first dense layer's weight (and any
     * batch normalisation before it) reordered to match, but model files keep the spec's order: the bundled model's
     * parameter stream is written back byte for byte, whether straight from the loaded classifier or after its
     * weights went out to the neutral layout and back in; and the loaded network computes what the reference
     * computes from those neutral weights.
     */
    @Test
    void theBundledModelsParameterStreamIsWrittenBackUnchanged() throws Exception {
        ModelArchive archive = ModelFile.read(new DjlBackend().pretrainedModel().orElseThrow(), "bundled");
        byte[] stream = archive.entry(DjlClassifier.PARAMETERS);
        ModelInfo info = archive.manifest().model();
        MnistDataset images = MnistData.test().first(20);
        float[] pixels = new float[images.size() * DigitImage.PIXELS];
        for (int i = 0; i < images.size(); i++) {
            images.copyPixels(i, pixels, i * DigitImage.PIXELS);
        }
        try (DjlClassifier loaded = DjlClassifier.load(archive)) {
            assertThat(loaded.fileEntries().get(DjlClassifier.PARAMETERS)).as("re-saved as loaded").isEqualTo(stream);
            NetworkWeights weights = loaded.exportWeights();
            try (DjlClassifier rebuilt = DjlClassifier.fromWeights(info, weights)) {
                assertThat(rebuilt.fileEntries().get(DjlClassifier.PARAMETERS))
                        .as("saved after a trip through the neutral layout").isEqualTo(stream);
            }
            ReferenceNetwork reference = new ReferenceNetwork(weights);
            float[] actual = loaded.probabilities(pixels, images.size());
            for (int i = 0; i < images.size(); i++) {
                double[] expected = reference.probabilities(images.image(i).pixels());
                for (int c = 0; c < expected.length; c++) {
                    assertThat((double) actual[i * expected.length + c]).as("image " + i + ", class " + c)
                            .isCloseTo(expected[c], within(NetworkShapesContract.REFERENCE_TOLERANCE));
                }
            }
        }
    }

    /**
     * Batch normalisations between the flatten and the first dense layer hold their tensors in the engine's
     * channel-major order too: random neutral weights of such a network come back out unchanged, survive the
     * parameter stream, and the network computes what the reference computes from them.
     */
    @Test
    void batchNormalisationAfterTheFlattenFollowsTheEnginesFeatureOrder() throws Exception {
        NetworkSpec spec = new NetworkSpec(List.of(
                new Conv2D(3, 3, 3, 2, 2, Padding.VALID, Activation.RELU),
                new Flatten(),
                new BatchNorm(1e-3, 0.9, Activation.TANH),
                new NetworkSpec.Dropout(0.5),
                new BatchNorm(1e-3, 0.9),
                new Dense(7, Activation.RELU),
                new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM);
        NetworkWeights weights = NetworkShapesContract.randomWeights(spec, 11);
        MnistDataset images = MnistData.test().first(20);
        float[] pixels = new float[images.size() * DigitImage.PIXELS];
        for (int i = 0; i < images.size(); i++) {
            images.copyPixels(i, pixels, i * DigitImage.PIXELS);
        }
        ReferenceNetwork reference = new ReferenceNetwork(weights);
        ModelInfo info = new ModelInfo(DjlBackend.NAME, DjlEngine.version(), spec, spec.parameterCount(), null,
                List.of(), null, null);
        try (DjlClassifier built = DjlClassifier.fromWeights(info, weights);
             DjlClassifier reloaded = DjlClassifier.fromParameters(info,
                     built.fileEntries().get(DjlClassifier.PARAMETERS))) {
            assertThat(built.exportWeights()).isEqualTo(weights);
            assertThat(reloaded.exportWeights()).isEqualTo(weights);
            float[] actual = reloaded.probabilities(pixels, images.size());
            for (int i = 0; i < images.size(); i++) {
                double[] expected = reference.probabilities(images.image(i).pixels());
                for (int c = 0; c < expected.length; c++) {
                    assertThat((double) actual[i * expected.length + c]).as("image " + i + ", class " + c)
                            .isCloseTo(expected[c], within(NetworkShapesContract.REFERENCE_TOLERANCE));
                }
            }
        }
    }

    /**
     * SAME windows the contract's shapes leave out: symmetric padding, which goes to PyTorch's own padded kernels,
     * and asymmetric padding on both axes with unequal strides and partial average windows of one or two inputs.
     * Each max pooling sees negative values (tanh, no activation), where a padded zero would win if it could.
     */
    static Stream<NetworkSpec> samePadding() {
        return Stream.of(
                new NetworkSpec(List.of(
                        new Conv2D(4, 3, 3, 1, 1, Padding.SAME, Activation.RELU),
                        new MaxPool(3, 3, 1, 1, Padding.SAME),
                        new AveragePool(3, 3, 1, 1, Padding.SAME),
                        new AveragePool(5, 5, 3, 3, Padding.SAME),
                        new Conv2D(4, 5, 5, 1, 1, Padding.SAME, Activation.TANH),
                        new MaxPool(3, 3, 3, 3, Padding.SAME),
                        new Flatten(),
                        new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM),
                new NetworkSpec(List.of(
                        new AveragePool(2, 2, 1, 1, Padding.SAME),
                        new Conv2D(3, 2, 4, 1, 3, Padding.SAME, Activation.IDENTITY),
                        new MaxPool(4, 2, 3, 1, Padding.SAME),
                        new AveragePool(2, 3, 2, 2, Padding.SAME),
                        new Flatten(),
                        new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.HE_NORMAL));
    }

    @ParameterizedTest
    @MethodSource("samePadding")
    void samePaddingAgreesWithTheReferenceWhetherPyTorchOrWePad(NetworkSpec spec) throws IOException {
        MnistDataset images = MnistData.test().first(50);
        NetworkWeights weights = NetworkShapesContract.randomWeights(spec, 5);
        ReferenceNetwork reference = new ReferenceNetwork(weights);
        float[] pixels = new float[images.size() * DigitImage.PIXELS];
        for (int i = 0; i < images.size(); i++) {
            images.copyPixels(i, pixels, i * DigitImage.PIXELS);
        }
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            DjlNetwork network = new DjlNetwork(spec);
            network.initialize(manager);
            network.setWeights(weights);
            float[] actual = network.probabilities(manager, pixels, images.size());
            double worst = 0;
            for (int i = 0; i < images.size(); i++) {
                double[] expected = reference.probabilities(images.image(i).pixels());
                for (int c = 0; c < expected.length; c++) {
                    worst = Math.max(worst, Math.abs(expected[c] - actual[i * expected.length + c]));
                }
            }
            assertThat(worst).as("largest difference from the reference")
                    .isLessThanOrEqualTo(NetworkShapesContract.REFERENCE_TOLERANCE);
        }
    }

    /**
     * Keras' rule, {@code moving = momentum * moving + (1 - momentum) * batch}, with PyTorch's batch variance (the
     * unbiased one, as Keras 2's fused kernel uses; Keras 3 uses the biased one, a factor (n - 1) / n apart).
     */
    @Test
    void batchNormalisationMovesItsStatisticsByKerasMomentum() throws IOException {
        double momentum = 0.8;
        NetworkSpec spec = new NetworkSpec(List.of(new Flatten(), new BatchNorm(1e-3, momentum),
                new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM);
        NetworkWeights before = NetworkShapesContract.randomWeights(spec, 3);
        MnistDataset images = MnistData.test().first(6);
        int n = images.size();
        float[] pixels = new float[n * DigitImage.PIXELS];
        for (int i = 0; i < n; i++) {
            images.copyPixels(i, pixels, i * DigitImage.PIXELS);
        }
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            DjlNetwork network = new DjlNetwork(spec);
            network.initialize(manager);
            network.setWeights(before);
            try (NDManager batch = manager.newSubManager()) {
                NDArray x = batch.create(pixels, new Shape(n, DigitImage.PIXELS));
                network.forward(new ParameterStore(batch, false), x, true);
            }
            NetworkWeights after = network.weights();
            float[] mean0 = tensor(before, "1.movingMean");
            float[] var0 = tensor(before, "1.movingVariance");
            float[] mean1 = tensor(after, "1.movingMean");
            float[] var1 = tensor(after, "1.movingVariance");
            for (int p = 0; p < DigitImage.PIXELS; p++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += pixels[i * DigitImage.PIXELS + p];
                }
                double mean = sum / n;
                double squares = 0;
                for (int i = 0; i < n; i++) {
                    double d = pixels[i * DigitImage.PIXELS + p] - mean;
                    squares += d * d;
                }
                assertThat((double) mean1[p]).as("moving mean of pixel " + p)
                        .isCloseTo(momentum * mean0[p] + (1 - momentum) * mean, within(1e-6));
                assertThat((double) var1[p]).as("moving variance of pixel " + p)
                        .isCloseTo(momentum * var0[p] + (1 - momentum) * squares / (n - 1), within(1e-5));
            }
            assertThat(tensor(after, "1.gamma")).as("a forward pass leaves gamma alone")
                    .isEqualTo(tensor(before, "1.gamma"));
        }
    }

    private static float[] tensor(NetworkWeights weights, String name) {
        return weights.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().values();
    }
}
