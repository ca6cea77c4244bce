package io.mnist.onnxruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingConfig;
import io.mnist.api.contract.NetworkShapesContract;
import io.mnist.api.contract.ReferenceNetwork;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inference half of the contract kit's network shapes (the backend cannot train, so the kit's training checks do
 * not apply), the model file round trip, conversions of the bundled models, and the refusal to train.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrtBackendTest {
    private static final int IMAGES = 1_000;
    private final OrtBackend backend = new OrtBackend();
    private MnistDataset test;
    private List<DigitImage> images;

    @BeforeAll
    void loadImages() throws IOException {
        test = MnistData.test().first(IMAGES);
        images = IntStream.range(0, test.size()).mapToObj(test::image).toList();
    }

    static Stream<NetworkSpec> shapes() {
        return NetworkShapesContract.shapes();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void agreesWithTheReferenceNetworkAndRoundTripsThroughItsModelFile(NetworkSpec spec, @TempDir Path dir)
            throws IOException {
        NetworkWeights weights = NetworkShapesContract.randomWeights(spec, 11);
        ModelInfo info = new ModelInfo(backend.name(), backend.engineVersion(), spec, spec.parameterCount(), null,
                List.of(), null, null);
        try (DigitClassifier model = backend.fromWeights(info, weights)) {
            ReferenceNetwork reference = new ReferenceNetwork(weights);
            List<Prediction> predictions = model.predictAll(images);
            double worst = 0;
            for (int i = 0; i < IMAGES; i++) {
                double[] expected = reference.probabilities(images.get(i).pixels());
                float[] actual = predictions.get(i).probabilities();
                assertThat(actual).hasSize(expected.length);
                for (int c = 0; c < expected.length; c++) {
                    worst = Math.max(worst, Math.abs(expected[c] - actual[c]));
                }
            }
            assertThat(worst).as("largest probability difference from the reference network")
                    .isLessThanOrEqualTo(NetworkShapesContract.REFERENCE_TOLERANCE);
            assertThat(model.networkWeights()).isEqualTo(weights);
            Path file = dir.resolve("m.mnist");
            model.save(file);
            try (DigitClassifier loaded = DigitClassifiers.load(file)) {
                assertThat(loaded.info().backend()).isEqualTo(OrtBackend.NAME);
                assertThat(Prediction.largestDifference(predictions, loaded.predictAll(images))).isZero();
            }
        }
    }

    @ParameterizedTest(name = "bundled {0} model")
    @ValueSource(strings = {"djl", "dl4j"})
    void runsABundledModelAsItsOwnBackendDoes(String from) throws IOException {
        try (DigitClassifier original = DigitClassifiers.pretrained(from);
             DigitClassifier converted = DigitClassifiers.convert(original, OrtBackend.NAME)) {
            double worst = Prediction.largestDifference(original.predictAll(images), converted.predictAll(images));
            System.out.printf("[onnxruntime] bundled %s model: largest probability difference %.2e over %,d"
                    + " images%n", from, worst, IMAGES);
            assertThat(worst).isLessThanOrEqualTo(NetworkShapesContract.REFERENCE_TOLERANCE);
            assertThat(converted.predict(images.get(0)).digit()).isEqualTo(test.label(0));
        }
    }

    @Test
    void shipsTheDjlBundledModelConvertedWithItsWeightsUnchanged() throws IOException {
        assertThat(io.mnist.api.spi.BundledModel.recordedDigest(OrtBackend.class, OrtBackend.PRETRAINED))
                .as("the digest recorded beside the bundled model").isPresent();
        try (DigitClassifier djl = DigitClassifiers.pretrained("djl");
             DigitClassifier bundled = DigitClassifiers.pretrained(OrtBackend.NAME)) {
            assertThat(bundled.info().backend()).isEqualTo(OrtBackend.NAME);
            assertThat(bundled.info().convertedFrom().backend()).isEqualTo("djl");
            assertThat(bundled.networkWeights()).as("scripts/pretrained converts the djl model; rerun it if this"
                    + " fails").isEqualTo(djl.networkWeights());
            assertThat(bundled.info().testAccuracy()).isEqualTo(djl.info().testAccuracy());
            assertThat(bundled.info().history()).isEqualTo(djl.info().history());
            double worst = Prediction.largestDifference(djl.predictAll(images), bundled.predictAll(images));
            assertThat(worst).isLessThanOrEqualTo(NetworkShapesContract.REFERENCE_TOLERANCE);
        }
    }

    @Test
    void saysItCannotTrainAndDoesNotMeasureAMatrixProduct() {
        assertThat(backend.trains()).isFalse();
        assertThat(backend.matmulGflops(256, 1)).isEmpty();
    }

    @Test
    void refusesToTrainAndSaysHowToGetAModel() {
        assertThatThrownBy(() -> backend.trainer(TrainingConfig.defaults()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageStartingWith("[mnist] ").hasMessageContaining("cannot train")
                .hasMessageContaining("convert");
    }

    @Test
    void namesItsEngineWithoutStartingIt() {
        assertThat(backend.engineVersion()).matches("ONNX Runtime \\d+\\.\\d+\\.\\d+");
    }
}
