package io.mnist.api.keras;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.NetworkSpec;
import io.mnist.api.contract.KerasFixtures;
import io.mnist.api.contract.ReferenceNetwork;
import io.mnist.api.data.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four real Keras files in {@code ../shared/keras}, read without any engine and run through the contract kit's
 * double-precision {@link ReferenceNetwork}: each must give Keras' own outputs ({@code expected-outputs.csv}) to
 * float rounding. The expected outputs are what each model gives for the inputs as they are, pixels in [0, 1], so
 * every model is read with the default input scale (no Rescaling layer in any of them, so 1) - including the model
 * that was trained on raw 0-255 pixels, whose expected outputs are therefore mostly "1" for everything.
 */
class KerasModelsRealFilesTest {
    /** Float rounding: the files hold float32 weights and the reference computes in double. */
    static final double TOLERANCE = 1e-5;
    private static final String PURINAT = "Purinat33_Streamlit-MNIST__mnist_cnn.h5";

    static List<String> models() {
        return KerasFixtures.models();
    }

    @Test
    void theFixturesHoldFourModelsAndTheirExpectedOutputs() throws IOException {
        assertThat(models()).hasSize(4);
        assertThat(KerasFixtures.expected().keySet()).containsExactlyInAnyOrderElementsOf(models());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void readsAndReproducesKerasOutputs(String name) throws IOException {
        Path file = KerasFixtures.directory().resolve(name);
        KerasModel model = KerasModels.read(file, KerasImportOptions.defaults());
        Map<String, String> facts = sources().get(name);
        assertThat(model.network().parameterCount()).as("parameters as Keras counts them (SOURCES.csv)")
                .isEqualTo(Long.parseLong(facts.get("params")));
        assertThat(model.network().inputScale()).isEqualTo(1.0);
        assertThat(model.source().producer()).isEqualTo("Keras " + facts.get("keras_version"));
        assertThat(model.source().format()).isEqualTo(name.endsWith(".h5") ? "keras-h5" : "keras");
        assertThat(model.source().file()).isEqualTo(name);
        assertThat(model.source().sha256()).isEqualTo(Sha256.hex(file));

        ReferenceNetwork reference = new ReferenceNetwork(model.weights());
        List<float[]> inputs = KerasFixtures.inputs();
        List<double[]> expected = List.copyOf(KerasFixtures.expected().get(name).values());
        double worst = 0;
        for (int i = 0; i < inputs.size(); i++) {
            double[] p = reference.probabilities(inputs.get(i));
            float[] actual = new float[p.length];
            for (int c = 0; c < p.length; c++) {
                actual[c] = (float) p[c];
            }
            worst = Math.max(worst, KerasFixtures.largestDifference(expected.get(i), actual));
        }
        System.out.printf("%s: largest difference from Keras %.2e%n", name, worst);
        assertThat(worst).as("largest probability difference from Keras' outputs").isLessThanOrEqualTo(TOLERANCE);
    }

    /**
     * The model trained on raw pixels, fed as it was trained (input scale 255), reads the photographed digits that it
     * calls "1" when fed [0, 1] pixels: the option means what it says.
     */
    @Test
    void aModelTrainedOnRawPixelsReadsDigitsWithInputScale255() throws IOException {
        Path file = KerasFixtures.directory().resolve(PURINAT);
        List<String> names = KerasFixtures.inputNames();
        List<float[]> inputs = KerasFixtures.inputs();
        int[] right = new int[2];
        double[] scales = {1, 255};
        for (int s = 0; s < 2; s++) {
            KerasModel model = KerasModels.read(file, KerasImportOptions.defaults().withInputScale(scales[s]));
            assertThat(model.network().inputScale()).isEqualTo(scales[s]);
            assertThat(model.source().inputScale()).isEqualTo(scales[s]);
            ReferenceNetwork reference = new ReferenceNetwork(model.weights());
            for (int i = 0; i < names.size(); i++) {
                Matcher m = Pattern.compile("-label(\\d)").matcher(names.get(i));
                if (m.find() && argmax(reference.probabilities(inputs.get(i))) == Integer.parseInt(m.group(1))) {
                    right[s]++;
                }
            }
        }
        System.out.printf("%s: %d of 10 right at input scale 1, %d at 255%n", PURINAT, right[0], right[1]);
        assertThat(right[1]).as("digits read right when fed 0-255 pixels, as trained").isGreaterThanOrEqualTo(8);
        assertThat(right[0]).as("digits read right when fed [0, 1] pixels").isLessThanOrEqualTo(4);
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < NetworkSpec.DIGITS; i++) {
            best = p[i] > p[best] ? i : best;
        }
        return best;
    }

    /** SOURCES.csv by file: params, keras_version, input_scale... (quoted fields hold commas). */
    static Map<String, Map<String, String>> sources() throws IOException {
        List<String> lines = Files.readAllLines(KerasFixtures.directory().resolve("SOURCES.csv"));
        String[] header = lines.get(0).split(",");
        Map<String, Map<String, String>> out = new java.util.HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = new java.util.ArrayList<>();
            Matcher m = Pattern.compile("\"([^\"]*)\"|([^,]*)").matcher(line);
            int at = 0;
            while (at <= line.length() && m.find(at)) {
                fields.add(m.group(1) != null ? m.group(1) : m.group(2));
                at = m.end() + 1;
            }
            Map<String, String> row = new java.util.HashMap<>();
            for (int i = 0; i < header.length && i < fields.size(); i++) {
                row.put(header[i], fields.get(i));
            }
            out.put(row.get("file"), row);
        }
        return out;
    }
}
