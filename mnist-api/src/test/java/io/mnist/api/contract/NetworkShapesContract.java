package io.mnist.api.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkSpec.Activation;
import io.mnist.api.NetworkSpec.AveragePool;
import io.mnist.api.NetworkSpec.BatchNorm;
import io.mnist.api.NetworkSpec.Conv2D;
import io.mnist.api.NetworkSpec.Dense;
import io.mnist.api.NetworkSpec.Dropout;
import io.mnist.api.NetworkSpec.Flatten;
import io.mnist.api.NetworkSpec.MaxPool;
import io.mnist.api.NetworkSpec.Padding;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingListener;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer kind and option {@link NetworkSpec} accepts, built by a backend: its inference must agree with the
 * {@link ReferenceNetwork} on real images, its weights must move out and back unchanged, and a short training run
 * must learn and keep batch normalisation's moving statistics. A backend module's tests extend this class:
 *
 * <pre>{@code
 * class DjlNetworkShapesTest extends NetworkShapesContract {
 *     protected DigitBackend backend() { return new DjlBackend(); }
 * }
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class NetworkShapesContract {
    /** Largest difference from the reference's probabilities: float rounding, not a different network. */
    public static final double REFERENCE_TOLERANCE = 1e-5;
    /** Images the inference checks run on. */
    protected static final int IMAGES = 200;
    /** Training images for the short run. */
    protected static final int TRAIN_IMAGES = 2_000;
    /** What one epoch on {@link #TRAIN_IMAGES} must reach on {@link #IMAGES} test images (chance is 10%). */
    protected static final double MIN_ACCURACY = 0.5;

    private MnistDataset test;

    /** The backend under test. */
    protected abstract DigitBackend backend();

    @BeforeAll
    void loadImages() throws IOException {
        test = MnistData.test().first(IMAGES);
    }

    /**
     * The shapes: strided SAME convolutions with even and odd, square and rectangular kernels (padding on one side
     * only), SAME pooling whose edge windows are partial, batch normalisation after a convolution and after a dense
     * layer (each with its own epsilon and momentum), every activation, an eleventh class, an input scale of 255,
     * a network with no convolution at all, and Keras' {@code Conv2D(linear) -> BatchNormalization -> relu} and
     * {@code Dense(linear) -> BatchNormalization -> relu} (the activation carried by the batch normalisation). All
     * five must learn in {@link #TRAIN_IMAGES} images: the momenta
     * are low enough for the run's 63 steps to bring the moving statistics to the data's, and the input scale of
     * 255 is on a network that normalises its first convolution's output (raw 0-255 pixels straight into dense
     * layers saturate the tanh layer: 30-49% accuracy after this run in a plain NumPy implementation with Keras'
     * RMSProp, over nine seeds).
     */
    public static Stream<NetworkSpec> shapes() {
        return Stream.of(
                new NetworkSpec(List.of(
                        new Conv2D(8, 5, 5, 2, 2, Padding.SAME, Activation.RELU),
                        new Conv2D(8, 3, 2, 1, 1, Padding.SAME, Activation.TANH),
                        new MaxPool(3, 3, 2, 2, Padding.SAME),
                        new Flatten(),
                        new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM),
                new NetworkSpec(List.of(
                        new Conv2D(6, 4, Activation.RELU),
                        new BatchNorm(1e-3, 0.9),
                        new AveragePool(2, 2, 2, 2, Padding.SAME),
                        new MaxPool(2, 2, 2, 2, Padding.SAME),
                        new Flatten(),
                        new Dense(32, Activation.SIGMOID),
                        // Not Keras' momentum 0.99: the short run's 63 steps would leave 0.99^63 = 53% of the
                        // initial moving variance (1) in place, against batch variances of 0.02-0.05, so inference
                        // would normalise with statistics far from the data's on every correct engine
                        new BatchNorm(1e-2, 0.8),
                        new Dropout(0.2),
                        new Dense(11, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM, 255),
                new NetworkSpec(List.of(
                        new Conv2D(8, 3, Activation.IDENTITY),
                        new AveragePool(3),
                        new Conv2D(16, 2, Activation.RELU),
                        new MaxPool(2),
                        new Flatten(),
                        new Dense(32, Activation.RELU),
                        new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.HE_NORMAL),
                new NetworkSpec(List.of(
                        new Flatten(),
                        new Dense(64, Activation.RELU),
                        new Dense(32, Activation.TANH),
                        new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM),
                new NetworkSpec(List.of(
                        new Conv2D(8, 3, 3, 1, 1, Padding.SAME, Activation.IDENTITY),
                        new BatchNorm(1e-3, 0.9, Activation.RELU),
                        new MaxPool(2),
                        new Conv2D(8, 3, Activation.IDENTITY),
                        new BatchNorm(1e-3, 0.9, Activation.TANH),
                        new MaxPool(2),
                        new Flatten(),
                        new Dense(32, Activation.IDENTITY),
                        new BatchNorm(1e-2, 0.8, Activation.RELU),
                        new Dropout(0.25),
                        new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.HE_NORMAL));
    }

    /** Initial weights with every tensor made non-trivial: random biases, offsets and moving statistics. */
    public static NetworkWeights randomWeights(NetworkSpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NetworkWeights.Tensor> out = new ArrayList<>();
        for (NetworkWeights.Tensor t : NetworkWeights.initial(spec, seed).tensors()) {
            float[] v = t.values().clone();
            String part = t.name().substring(t.name().indexOf('.') + 1);
            for (int i = 0; i < v.length; i++) {
                switch (part) {
                    case "bias", "beta", "movingMean" -> v[i] = (float) (random.nextDouble() * 0.4 - 0.2);
                    case "gamma" -> v[i] = (float) (0.5 + random.nextDouble());
                    case "movingVariance" -> v[i] = (float) (0.5 + 1.5 * random.nextDouble());
                    default -> { }
                }
            }
            out.add(new NetworkWeights.Tensor(t.name(), t.shape(), v));
        }
        return new NetworkWeights(spec, out);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void inferenceAgreesWithTheReferenceAndWeightsMoveOutAndBackUnchanged(NetworkSpec spec) throws IOException {
        NetworkWeights weights = randomWeights(spec, 11);
        ModelInfo info = new ModelInfo(backend().name(), backend().engineVersion(), spec, spec.parameterCount(),
                null, List.of(), null, null);
        try (DigitClassifier model = backend().fromWeights(info, weights)) {
            assertAgreesWithReference(model, weights);
            assertThat(model.networkWeights()).as("weights exported after import").isEqualTo(weights);
            Path dir = Files.createTempDirectory("mnist-shapes-");
            Path file = dir.resolve("shape.mnist");
            try {
                model.save(file);
                try (DigitClassifier loaded = DigitClassifiers.load(file)) {
                    assertThat(loaded.info().network()).isEqualTo(spec);
                    assertThat(Prediction.largestDifference(model.predictAll(images()), loaded.predictAll(images())))
                            .as("save then load").isLessThanOrEqualTo(REFERENCE_TOLERANCE);
                }
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void oneShortEpochLearnsAndTheTrainedNetworkStillAgreesWithTheReference(NetworkSpec spec) throws IOException {
        TrainingConfig config = TrainingConfig.builder().network(spec).epochs(1).batchSize(32).build();
        MnistDataset train = MnistData.train().first(TRAIN_IMAGES);
        try (DigitClassifier model = backend().trainer(config).train(train, test, new TrainingListener() { })) {
            assertThat(model.info().parameterCount()).isEqualTo(spec.parameterCount());
            assertThat(model.info().testAccuracy()).as("accuracy after one short epoch").isGreaterThanOrEqualTo(MIN_ACCURACY);
            NetworkWeights trained = model.networkWeights();
            for (NetworkWeights.Tensor t : trained.tensors()) {
                if (t.name().endsWith(".movingMean")) {
                    boolean moved = false;
                    for (float v : t.values()) {
                        moved |= v != 0;
                    }
                    assertThat(moved).as(t.name() + " follows the batches in training").isTrue();
                }
            }
            assertAgreesWithReference(model, trained);
        }
    }

    private void assertAgreesWithReference(DigitClassifier model, NetworkWeights weights) {
        ReferenceNetwork reference = new ReferenceNetwork(weights);
        List<DigitImage> images = images();
        List<Prediction> predictions = model.predictAll(images);
        double worst = 0;
        for (int i = 0; i < images.size(); i++) {
            double[] expected = reference.probabilities(images.get(i).pixels());
            float[] actual = predictions.get(i).probabilities();
            assertThat(actual).as("classes").hasSize(expected.length);
            for (int c = 0; c < expected.length; c++) {
                worst = Math.max(worst, Math.abs(expected[c] - actual[c]));
            }
        }
        assertThat(worst).as("largest probability difference from the reference network")
                .isLessThanOrEqualTo(REFERENCE_TOLERANCE);
    }

    private List<DigitImage> images() {
        return IntStream.range(0, test.size()).mapToObj(test::image).toList();
    }
}
