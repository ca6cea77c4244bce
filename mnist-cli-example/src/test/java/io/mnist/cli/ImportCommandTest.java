package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.Prediction;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mnist import} on real Keras files from {@code ../shared/keras} (beside the project, as in CI), and
 * {@code predict --raw} on images already in MNIST form.
 */
class ImportCommandTest {
    private static final String RAW_PIXELS_MODEL = "Purinat33_Streamlit-MNIST__mnist_cnn.h5";
    private static final String CNN = "Moonflower2022_MNIST-models__mnist_model.h5";

    @TempDir
    Path dir;

    static Path keras(String name) {
        Path file = Path.of("").toAbsolutePath().getParent().resolveSibling("shared").resolve("keras").resolve(name);
        assertThat(file).as("a real Keras model, expected beside the project at ../shared/keras (as in CI)")
                .isRegularFile();
        return file;
    }

    @Test
    void importsAModelTrainedOnRawPixelsChecksItAndSavesItWithItsProvenance() throws IOException {
        Path model = dir.resolve("imported.mnist");
        MnistCliTest.Run r = MnistCliTest.run("import", keras(RAW_PIXELS_MODEL).toString(), "--output", model.toString(),
                "--input-scale", "255", "--backend", "djl", "--format", "json");
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.get("parameters").asLong()).isEqualTo(129_066);
        assertThat(json.get("classes").asInt()).isEqualTo(10);
        assertThat(json.get("input_scale").asDouble()).isEqualTo(255.0);
        assertThat(json.get("producer").asText()).isEqualTo("Keras 2.10.0");
        assertThat(json.get("layers").toString()).contains("conv2d (Conv2D): Conv2D 32 3x3", "dense (Dense): Dense 784 SIGMOID");
        assertThat(json.get("images").asInt()).isEqualTo(10_000);
        assertThat(json.get("accuracy").asDouble()).as("fed 0-255 pixels, as it was trained").isGreaterThan(0.9);
        assertThat(r.err()).as("no hint about the input scale").doesNotContain("--input-scale");
        try (DigitClassifier loaded = DigitClassifiers.load(model)) {
            assertThat(loaded.info().backend()).isEqualTo("djl");
            assertThat(loaded.info().importedFrom().file()).isEqualTo(RAW_PIXELS_MODEL);
            assertThat(loaded.info().importedFrom().inputScale()).isEqualTo(255.0);
            assertThat(loaded.info().network().inputScale()).isEqualTo(255.0);
            assertThat(loaded.info().testAccuracy()).isEqualTo(json.get("accuracy").asDouble());
        }
    }

    @Test
    void saysWhatWasImportedAndHintsAtTheInputScaleWhenTheTestDigitsAreMostlyWrong() throws IOException {
        Path model = dir.resolve("unscaled.mnist");
        MnistCliTest.Run r = MnistCliTest.run("import", keras(RAW_PIXELS_MODEL).toString(), "--output",
                model.toString(), "--backend", "dl4j");
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("Imported " + RAW_PIXELS_MODEL + " (keras-h5, Keras 2.10.0, sha256 ",
                "  max_pooling2d (MaxPooling2D): MaxPool 3x3 stride 3x3 VALID",
                "129,066 parameters, 10 classes, input scale 1 (the Keras model is fed pixels in [0, 1])",
                "Model: " + model);
        assertThat(r.err()).contains("import it again with --input-scale 255");
        assertThat(model).isRegularFile();
    }

    @Test
    void checksTheOutputBeforeReadingTheKerasFile() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder");
        Path folder = Files.createDirectory(dir.resolve("models"));
        for (Path output : List.of(file.resolve("m.mnist"), folder)) {
            MnistCliTest.Run r = MnistCliTest.run("import", keras(CNN).toString(), "--output", output.toString(),
                    "--backend", "djl");
            assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
            assertThat(r.err()).contains(output.toString()).containsAnyOf("is a file, not a folder", "it is a folder");
            assertThat(r.out()).doesNotContain("Imported");
        }
        // The output is checked first: a bad output is reported even when the Keras file would fail too.
        MnistCliTest.Run r = MnistCliTest.run("import", file.toString(), "--output", folder.toString());
        assertThat(r.err()).contains("it is a folder").doesNotContain("not a Keras model file");
    }

    @Test
    void refusesAFileThatIsNotAKerasModelWithOneLineAndExitCode2() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.h5"), "not a model");
        Path model = dir.resolve("never.mnist");
        MnistCliTest.Run r = MnistCliTest.run("import", notes.toString(), "--output", model.toString());
        assertThat(r.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err().strip()).startsWith("mnist: notes.h5 is not a Keras model file").doesNotContain("\n");
        assertThat(model).doesNotExist();
        MnistCliTest.Run scale = MnistCliTest.run("import", keras(CNN).toString(), "--output", model.toString(),
                "--input-scale", "100");
        assertThat(scale.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(scale.err()).contains("--input-scale is 1 (pixels in [0, 1]) or 255 (raw 0-255 pixels), not 100");
    }

    /**
     * {@code predict --raw} feeds 28x28 images as they are: the Keras notebook's own inputs, written as PNG, give the
     * imported model's probabilities for exactly those pixels, in the JSON with every probability.
     */
    @Test
    void predictRawFeedsMnistFormImagesAsTheyAre() throws IOException {
        Path model = dir.resolve("cnn.mnist");
        assertThat(MnistCliTest.run("import", keras(CNN).toString(), "--output", model.toString(), "--backend",
                "djl").code()).isZero();
        byte[] bytes = Files.readAllBytes(keras(CNN).resolveSibling("inputs-11x28x28-f32le.bin"));
        ByteBuffer floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Path images = Files.createDirectories(dir.resolve("raw"));
        List<DigitImage> written = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            BufferedImage png = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            float[] pixels = new float[784];
            for (int p = 0; p < 784; p++) {
                int level = Math.round(floats.getFloat((i * 784 + p) * 4) * 255);
                png.getRaster().setSample(p % 28, p / 28, 0, level);
                pixels[p] = level / 255f;
            }
            written.add(DigitImage.of(pixels));
            ImageIO.write(png, "png", images.resolve(String.format("input%02d.png", i)).toFile());
        }
        BufferedImage large = new BufferedImage(30, 30, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(large, "png", images.resolve("z-too-large.png").toFile());

        MnistCliTest.Run r = MnistCliTest.run("predict", images.toString(), "--raw", "--model", model.toString(),
                "--format", "json");
        assertThat(r.code()).as("one image is not 28x28").isEqualTo(MnistCli.EXIT_PARTIAL);
        JsonNode predictions = r.json().get("predictions");
        assertThat(predictions).hasSize(12);
        assertThat(predictions.get(11).get("error").asText()).contains("30x30", "28x28");
        try (DigitClassifier clf = DigitClassifiers.load(model)) {
            List<Prediction> direct = clf.predictAll(written);
            for (int i = 0; i < 11; i++) {
                JsonNode p = predictions.get(i).get("probabilities");
                assertThat(p).as("all ten probabilities").hasSize(10);
                assertThat(predictions.get(i).get("digit").asInt()).isEqualTo(direct.get(i).digit());
                for (int c = 0; c < 10; c++) {
                    assertThat(p.get(c).asDouble()).as("image %d class %d", i, c)
                            .isCloseTo(direct.get(i).probabilities()[c], org.assertj.core.api.Assertions.within(1e-6));
                }
            }
            // The constant 0.5 grey image: preprocessing would refuse or reframe it; --raw feeds it unchanged.
            assertThat(predictions.get(10).has("error")).isFalse();
        }
    }
}
