package io.mnist.api.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.Prediction;
import io.mnist.api.keras.KerasImportOptions;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real Keras models, imported on a backend: each file in {@code ../shared/keras} ({@link KerasFixtures}), and each
 * file made for the tests ({@link KerasFixtures#madeModels()}), must give Keras' own outputs (for the made ones: an
 * independent numpy forward pass's) within float rounding, and the imported model must save and load with the same
 * probabilities and its provenance. A backend module's tests extend this class:
 *
 * <pre>{@code
 * class DjlKerasImportTest extends KerasImportContract {
 *     protected DigitBackend backend() { return new DjlBackend(); }
 * }
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KerasImportContract {
    /** Largest difference from Keras' probabilities: float rounding, not a different network. */
    public static final double KERAS_TOLERANCE = 1e-5;
    /** Largest difference between a model and itself saved and loaded: the same weights on the same engine. */
    public static final double ROUND_TRIP_TOLERANCE = 1e-6;

    /** The backend under test; it must also be on the class path, where {@link DigitClassifiers} finds it. */
    protected abstract DigitBackend backend();

    /** The real model files, then the made ones. */
    public static List<String> models() {
        return java.util.stream.Stream.concat(KerasFixtures.models().stream(), KerasFixtures.madeModels().stream())
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void importsGiveKerasOutputsAndSurviveSaveAndLoad(String name) throws IOException {
        Path file = KerasFixtures.path(name);
        List<DigitImage> images = KerasFixtures.inputs().stream().map(DigitImage::of).toList();
        List<double[]> expected = KerasFixtures.expected(name);
        try (DigitClassifier model = DigitClassifiers.importKeras(file,
                KerasImportOptions.defaults().withBackend(backend().name()))) {
            assertThat(model.info().backend()).isEqualTo(backend().name());
            assertThat(model.info().importedFrom()).as("provenance").isNotNull();
            assertThat(model.info().importedFrom().file()).isEqualTo(name);
            assertThat(model.info().training()).as("an imported model was not trained here").isNull();
            List<Prediction> predictions = model.predictAll(images);
            double worst = 0;
            for (int i = 0; i < images.size(); i++) {
                worst = Math.max(worst, KerasFixtures.largestDifference(expected.get(i),
                        predictions.get(i).probabilities()));
            }
            System.out.printf(Locale.ROOT, "[keras-import] %s on %s: largest difference from Keras %.2e%n", name,
                    backend().name(), worst);
            assertThat(worst).as("largest probability difference from Keras on " + backend().name())
                    .isLessThanOrEqualTo(KERAS_TOLERANCE);

            Path dir = Files.createTempDirectory("mnist-keras-");
            Path saved = dir.resolve("imported.mnist");
            try {
                model.save(saved);
                try (DigitClassifier loaded = DigitClassifiers.load(saved)) {
                    assertThat(loaded.info().importedFrom()).isEqualTo(model.info().importedFrom());
                    assertThat(loaded.info().network()).isEqualTo(model.info().network());
                    assertThat(Prediction.largestDifference(predictions, loaded.predictAll(images)))
                            .as("probabilities after save and load").isLessThanOrEqualTo(ROUND_TRIP_TOLERANCE);
                }
            } finally {
                Files.deleteIfExists(saved);
                Files.deleteIfExists(dir);
            }
        }
    }
}
