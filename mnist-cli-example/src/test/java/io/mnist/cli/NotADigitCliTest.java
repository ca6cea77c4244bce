package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.data.Sha256;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFile;
import io.mnist.api.ood.NonDigitImages;
import io.mnist.api.ood.NotADigitDetector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "not a digit?" mark of {@code predict} with the bundled (calibrated) model, and {@code calibrate} adding the
 * detector to a model file without one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotADigitCliTest {
    private Path dir;
    private Path digits;
    private Path nonDigits;

    @BeforeAll
    void drawImages(@TempDir Path tmp) throws IOException {
        dir = tmp;
        digits = Files.createDirectories(dir.resolve("digits"));
        MnistDataset test = MnistData.test();
        for (int i = 0; i < 20; i++) {
            ImageIO.write(MnistCliTest.paper(test.image(i)), "png", digits.resolve(String.format("%02d-label%d.png", i,
                    test.label(i))).toFile());
        }
        nonDigits = Files.createDirectories(dir.resolve("non-digits"));
        int n = 0;
        for (NonDigitImages.Kind kind : List.of(NonDigitImages.Kind.STROKE_LETTER, NonDigitImages.Kind.STAIN,
                NonDigitImages.Kind.SCRIBBLE)) {
            for (NonDigitImages.Sample s : NonDigitImages.generate(kind, 20, 3)) {
                ImageIO.write(s.image(), "png", nonDigits.resolve(String.format("%02d-%s.png", n++,
                        s.name().replace(' ', '-'))).toFile());
            }
        }
    }

    @Test
    void predictMarksDrawnNonDigitsAndFewDigitsWithoutChangingTheExitCode() throws IOException {
        MnistCliTest.Run r = MnistCliTest.run("predict", "--format", "json", digits.toString(), nonDigits.toString());
        assertThat(r.code()).as(r.err()).isZero();
        int digitsMarked = 0;
        int nonDigitsMarked = 0;
        for (JsonNode p : r.json().get("predictions")) {
            assertThat(p.get("ood_score").isNumber()).as("the bundled model has a score: %s", p).isTrue();
            assertThat(p.get("not_a_digit").asBoolean()).isEqualTo(p.get("ood_score").asDouble() > 1);
            if (p.get("file").asText().contains("label")) {
                digitsMarked += p.get("not_a_digit").asBoolean() ? 1 : 0;
            } else {
                nonDigitsMarked += p.get("not_a_digit").asBoolean() ? 1 : 0;
            }
        }
        // Measured rates (RELIABILITY.md): 1.30% of MNIST digits, 32-85% of letters, stains and scribbles.
        assertThat(digitsMarked).as("of 20 MNIST digits on paper").isLessThanOrEqualTo(1);
        assertThat(nonDigitsMarked).as("of 60 drawn letters, stains and scribbles").isGreaterThanOrEqualTo(20);

        MnistCliTest.Run text = MnistCliTest.run("predict", nonDigits.toString());
        assertThat(text.code()).isZero();
        assertThat(text.out().lines().filter(l -> l.endsWith("  " + PredictCommand.NOT_A_DIGIT)).count())
                .isEqualTo(nonDigitsMarked);
        MnistCliTest.Run csv = MnistCliTest.run("predict", "--format", "csv", nonDigits.toString());
        assertThat(csv.out().lines().filter(l -> l.endsWith(",true")).count()).isEqualTo(nonDigitsMarked);
    }

    @Test
    void calibrateAddsTheDetectorAndKeepsTheWeightsByteForByte() throws IOException {
        ModelArchive bundled;
        try (InputStream in = NotADigitCliTest.class.getResourceAsStream("/io/mnist/djl/pretrained.mnist")) {
            bundled = ModelFile.read(in, "bundled");
        }
        Path plain = dir.resolve("plain.mnist");
        ModelFile.write(plain, bundled.manifest().model().withNotADigitDetector(null), bundled.entries(),
                bundled.manifest().provenance());
        Path digest = dir.resolve("plain.mnist.sha256");
        Files.writeString(digest, "0  plain.mnist\n");
        MnistCliTest.Run before = MnistCliTest.run("predict", "--model", plain.toString(), "--format", "csv",
                nonDigits.toString());
        assertThat(before.out().lines().skip(1)).as("no statistics: no score, no mark").allMatch(l -> l.endsWith(",,false"));

        MnistCliTest.Run r = MnistCliTest.run("calibrate", "--model", plain.toString(), "--train-limit", "6000",
                "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.get("calibration_images").asInt()).isEqualTo(500);
        assertThat(json.get("calibration_false_reject_rate").asDouble()).isLessThanOrEqualTo(0.01);
        assertThat(json.get("test_false_reject_rate").asDouble()).as("on the 10,000 test digits").isLessThan(0.03);
        try (ZipFile zip = new ZipFile(plain.toFile())) {
            assertThat(zip.getEntry(NotADigitDetector.ENTRY)).isNotNull();
        }
        ModelArchive calibrated = ModelFile.read(plain);
        assertThat(calibrated.manifest().model().notADigitDetector()).isNotNull();
        assertThat(calibrated.entries().keySet()).isEqualTo(bundled.entries().keySet());
        bundled.entries().forEach((name, bytes) -> assertThat(calibrated.entries().get(name))
                .as("weight entry %s", name).isEqualTo(bytes));
        assertThat(calibrated.manifest().provenance()).isEqualTo(bundled.manifest().provenance());
        assertThat(Files.readString(digest, StandardCharsets.US_ASCII))
                .isEqualTo(Sha256.hex(Files.readAllBytes(plain)) + "  plain.mnist\n");

        MnistCliTest.Run after = MnistCliTest.run("predict", "--model", plain.toString(), "--format", "csv",
                nonDigits.toString());
        assertThat(after.out().lines().skip(1)).allMatch(l -> !l.endsWith(",,false"));
    }
}
