package io.mnist.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.fake.WeightsBackend;
import io.mnist.api.spi.DigitBackend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link DigitClassifiers} serves an inference-only backend: the bundled model of a training backend converted
 * to it, a model file of another backend converted when a backend is named, and the inference default.
 */
class DigitClassifiersTest {
    private static final List<DigitImage> IMAGES = List.of(DigitImage.of(new float[DigitImage.PIXELS]),
            DigitImage.of(ramp()));
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    /** A training backend named like the default, shipping a bundled model (initial weights, seed 7). */
    static final class Trains extends WeightsBackend {
        private final byte[] bundled;

        Trains(Path dir) {
            Path file = dir.resolve("bundled.mnist");
            try (DigitClassifier model = fromWeights(info(TrainingConfig.defaults()),
                    NetworkWeights.initial(NETWORK, 7))) {
                model.save(file);
                bundled = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String name() {
            return "djl";
        }

        @Override
        public Optional<InputStream> pretrainedModel() {
            return Optional.of(new ByteArrayInputStream(bundled));
        }
    }

    /** An inference-only backend without a bundled model. */
    static final class PredictsOnly extends WeightsBackend {
        @Override
        public String name() {
            return "onnxruntime";
        }

        @Override
        public boolean trains() {
            return false;
        }

        @Override
        public Trainer trainer(TrainingConfig config) {
            throw new UnsupportedOperationException("[mnist] cannot train");
        }
    }

    private void use(DigitBackend... backends) {
        DigitClassifiers.use(new BackendRegistry(List.of(backends)::iterator, Map.<String, String>of()::get,
                Map.<String, String>of()::get, new PrintStream(stderr, true, StandardCharsets.UTF_8)));
    }

    @AfterEach
    void forgetTheBackends() {
        DigitClassifiers.reset();
    }

    @Test
    void anInferenceOnlyBackendGetsTheTrainingBackendsBundledModelConverted() throws IOException {
        use(new Trains(dir), new PredictsOnly());
        try (DigitClassifier own = DigitClassifiers.pretrained("djl");
             DigitClassifier converted = DigitClassifiers.pretrained("onnxruntime")) {
            assertThat(converted.info().backend()).isEqualTo("onnxruntime");
            assertThat(converted.info().convertedFrom().backend()).as("the result names its source").isEqualTo("djl");
            assertThat(converted.networkWeights()).isEqualTo(own.networkWeights());
            assertThat(Prediction.largestDifference(own.predictAll(IMAGES), converted.predictAll(IMAGES))).isZero();
        }
    }

    @Test
    void amongSeveralBackendsTheInferenceOnlyOnePredictsAndTheDefaultTrains() throws IOException {
        use(new Trains(dir), new PredictsOnly());
        assertThat(DigitClassifiers.backend().name()).isEqualTo("djl");
        assertThat(DigitClassifiers.inferenceBackend().name()).isEqualTo("onnxruntime");
        try (DigitClassifier model = DigitClassifiers.pretrained()) {
            assertThat(model.info().backend()).isEqualTo("onnxruntime");
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).as("one notice for both choices").isEqualTo(
                "[mnist] Several backends present (djl, onnxruntime): training with 'djl' (predictions use"
                        + " 'onnxruntime'). Choose with -Dmnist.backend=NAME or MNIST_BACKEND=NAME."
                        + " See README.md#choosing-a-backend" + System.lineSeparator());
    }

    @Test
    void aModelFileRunsOnTheNamedBackendConvertedAndOnItsOwnOtherwise() throws IOException {
        Trains trains = new Trains(dir);
        use(trains, new PredictsOnly());
        Path file = dir.resolve("bundled.mnist");
        try (DigitClassifier own = DigitClassifiers.load(file);
             DigitClassifier same = DigitClassifiers.load(file, "DJL");
             DigitClassifier converted = DigitClassifiers.load(file, "onnxruntime")) {
            assertThat(own.info().backend()).isEqualTo("djl");
            assertThat(same.info().backend()).isEqualTo("djl");
            assertThat(same.info().convertedFrom()).as("not converted to its own backend").isNull();
            assertThat(converted.info().backend()).isEqualTo("onnxruntime");
            assertThat(converted.info().convertedFrom().backend()).isEqualTo("djl");
            assertThat(Prediction.largestDifference(own.predictAll(IMAGES), converted.predictAll(IMAGES))).isZero();
        }
        assertThatThrownBy(() -> DigitClassifiers.load(file, "tensorflow"))
                .isInstanceOf(BackendNotFoundException.class).hasMessageContaining("'tensorflow'");
    }

    @Test
    void withoutAnyBundledModelTheErrorSaysToTrainOne() {
        use(new PredictsOnly());
        assertThatThrownBy(() -> DigitClassifiers.pretrained("onnxruntime")).isInstanceOf(IllegalStateException.class)
                .hasMessage("[mnist] Backend 'onnxruntime' ships no pretrained model, nor does any other backend"
                        + " present; train one with 'mnist train' and load it with DigitClassifiers.load(path).");
    }

    @Test
    void aBackendThatDoesNotMeasureItsMatrixProductSaysSoAndChecksItsArguments() {
        DigitBackend backend = new PredictsOnly();
        assertThat(backend.matmulGflops(64, 1)).isEqualTo(OptionalDouble.empty());
        assertThatThrownBy(() -> backend.matmulGflops(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size 0");
        assertThatThrownBy(() -> backend.matmulGflops(64, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 repetitions");
        assertThatThrownBy(() -> backend.matmulGflops(16_385, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] ramp() {
        float[] p = new float[DigitImage.PIXELS];
        for (int i = 0; i < p.length; i++) {
            p[i] = i / (float) p.length;
        }
        return p;
    }
}
