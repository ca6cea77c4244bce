package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the CLI in-process as a user would. One short training run (one epoch on 3,000 images, on djl) makes the
 * model the other commands use.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MnistCliTest {
    private Path dir;
    private Path model;
    private Path images;
    private JsonNode trained;

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            String[] lines = out.strip().split("\n");
            return Json.mapper().readTree(lines[lines.length - 1]);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MnistCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    void trainASmallModel(@TempDir Path tmp) throws IOException {
        dir = tmp;
        model = dir.resolve("small.mnist");
        Run r = run("train", "--backend", "djl", "--epochs", "1", "--train-limit", "3000", "--output", model.toString(),
                "--output-dir", dir.resolve("train").toString(), "--format", "json");
        assertThat(r.code()).as("train exit code; stderr: %s", r.err()).isZero();
        trained = r.json();
        images = Files.createDirectories(dir.resolve("images"));
        MnistDataset test = MnistData.test();
        for (int i = 0; i < 20; i++) {
            ImageIO.write(paper(test.image(i)), "png", images.resolve(String.format("%02d-label%d.png", i,
                    test.label(i))).toFile());
        }
    }

    @Test
    void trainPrintsOneJsonObjectAndWritesModelHistoryAndCurves() throws IOException {
        assertThat(trained.get("backend").asText()).isEqualTo("djl");
        assertThat(trained.get("epochs").asInt()).isEqualTo(1);
        assertThat(trained.get("train_images").asInt()).isEqualTo(3000);
        assertThat(trained.get("test_accuracy").asDouble()).as("one epoch on 3,000 images").isGreaterThan(0.85);
        assertThat(trained.get("seconds").asDouble()).isPositive();
        assertThat(model).isRegularFile();
        List<String> history = Files.readAllLines(Path.of(trained.get("history_csv").asText()));
        assertThat(history.get(0)).isEqualTo("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds");
        assertThat(history).hasSize(2);
        assertThat(Double.parseDouble(history.get(1).split(",")[4]))
                .isEqualTo(trained.get("test_accuracy").asDouble(), org.assertj.core.api.Assertions.within(1e-6));
        BufferedImage curves = ImageIO.read(Path.of(trained.get("curves_png").asText()).toFile());
        assertThat(curves.getWidth()).isGreaterThan(800);
    }

    @Test
    void evaluateJsonHasAccuracyLossAndAConfusionMatrixThatAddsUp() throws IOException {
        Run r = run("evaluate", "--model", model.toString(), "--format", "json", "--output-dir",
                dir.resolve("eval").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.get("backend").asText()).isEqualTo("djl");
        assertThat(json.get("accuracy").asDouble()).isEqualTo(trained.get("test_accuracy").asDouble(),
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(json.get("loss").asDouble()).isPositive();
        int total = 0;
        int diagonal = 0;
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                total += json.get("confusion").get(t).get(p).asInt();
                diagonal += t == p ? json.get("confusion").get(t).get(p).asInt() : 0;
            }
        }
        assertThat(total).isEqualTo(10_000);
        assertThat(diagonal / 10_000.0).isEqualTo(json.get("accuracy").asDouble(),
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(Path.of(json.get("confusion_png").asText())).isRegularFile();
        assertThat(Path.of(json.get("misclassified_png").asText())).isRegularFile();
    }

    @Test
    void predictCsvNamesFolderFilesByTheFolderPathAsGiven() {
        Run r = run("predict", "--model", model.toString(), "--format", "csv", images.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().strip().lines().toList();
        assertThat(lines.get(0)).isEqualTo("file,digit,confidence,ood_score,not_a_digit");
        assertThat(lines).hasSize(21);
        int right = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertThat(cells[0]).startsWith(images.toString() + "/");
            assertThat(Double.parseDouble(cells[2])).isBetween(0.0, 1.0);
            right += cells[0].endsWith("label" + cells[1] + ".png") ? 1 : 0;
        }
        // A one-epoch model on 3,000 images; the bar is far above chance (2 of 20), not a quality target.
        assertThat(right).as("digits drawn as dark ink on white, read right").isGreaterThanOrEqualTo(14);
    }

    @Test
    void aBadImageAmongGoodOnesGetsAnErrorRowAndANonZeroExit() throws IOException {
        Path bad = Files.writeString(dir.resolve("notes.png"), "not a picture");
        Path blank = dir.resolve("blank.png");
        BufferedImage white = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        white.getGraphics().fillRect(0, 0, 40, 40);
        ImageIO.write(white, "png", blank.toFile());
        Path good = images.resolve("00-label7.png");
        Run r = run("predict", "--model", model.toString(), "--format", "json", good.toString(), bad.toString(),
                blank.toString(), dir.resolve("missing.png").toString());
        assertThat(r.code()).isEqualTo(MnistCli.EXIT_PARTIAL);
        JsonNode rows = r.json().get("predictions");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).get("digit").asInt()).isEqualTo(7);
        assertThat(rows.get(1).get("error").asText()).contains("not an image");
        assertThat(rows.get(2).get("error").asText()).containsIgnoringCase("no ink");
        assertThat(rows.get(3).get("error").asText()).contains("no such file");
        assertThat(r.json().get("failed").asInt()).isEqualTo(3);
        assertThat(r.err()).contains(bad.toString()).contains(blank.toString()).contains("missing.png");
    }

    @Test
    void aFolderWithoutImagesAndAScoreWithoutAnswersSaySo() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("nothing-here"));
        Files.writeString(empty.resolve("readme.txt"), "no pictures");
        Run r = run("predict", "--model", model.toString(), "--score", empty.toString());
        assertThat(r.code()).isEqualTo(MnistCli.EXIT_PARTIAL);
        assertThat(r.out()).contains(empty.toString()).contains("no images in it").contains(".png")
                .contains("nothing to score");
        assertThat(r.out()).doesNotContain("0 of 0");
        assertThat(r.err()).contains(empty.toString());
    }

    @Test
    void numberModeReadsRowsOfDigitsIntoCsv() throws IOException {
        Path numbers = Files.createDirectories(dir.resolve("numbers"));
        MnistDataset test = MnistData.test();
        for (int n = 0; n < 6; n++) {
            StringBuilder label = new StringBuilder();
            BufferedImage row = new BufferedImage(130 * 3, 100, BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = row.createGraphics();
            g.setColor(new java.awt.Color(245, 245, 245));
            g.fillRect(0, 0, row.getWidth(), row.getHeight());
            for (int k = 0; k < 3; k++) {
                int index = 50 + n * 3 + k;
                label.append(test.label(index));
                g.drawImage(paper(test.image(index)), k * 125, 0, null);
            }
            g.dispose();
            ImageIO.write(row, "png", numbers.resolve("number-" + label + ".png").toFile());
        }
        // The bundled model: how well the rows are read is the point, and a one-epoch model's 10-40% confidences
        // made the count of exact readings turn on its quirks.
        Run r = run("predict", "--number", "--format", "csv", numbers.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().strip().lines().toList();
        assertThat(lines.get(0)).isEqualTo("file,number,confidence,ood_score,not_a_digit");
        assertThat(lines).hasSize(7);
        int exact = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertThat(cells[1]).as("three digits read from %s", cells[0]).hasSize(3);
            exact += cells[0].endsWith("number-" + cells[1] + ".png") ? 1 : 0;
        }
        assertThat(exact).as("numbers read exactly by the bundled model").isGreaterThanOrEqualTo(5);
    }

    @Test
    void minConfidenceMarksUnsureAnswers() {
        Run r = run("predict", "--model", model.toString(), "--format", "csv", "--min-confidence", "1.0",
                images.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out().strip().lines().skip(1)).allSatisfy(line -> assertThat(line.split(",")[1]).isEqualTo("?"));
    }

    @Test
    void aMissingModelFileIsAClearErrorWithExitCode2() {
        Path missing = dir.resolve("nowhere.mnist");
        Run r = run("evaluate", "--model", missing.toString());
        assertThat(r.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains(missing.toString()).contains("no such file");
    }

    @Test
    void aModelOfAnotherBackendRunsConvertedOnTheOneAskedForWithANote() throws IOException {
        Run own = run("predict", "--model", model.toString(), "--format", "csv", images.toString());
        Run converted = run("predict", "--backend", "onnxruntime", "--model", model.toString(), "--format", "csv",
                images.toString());
        assertThat(converted.code()).as(converted.err()).isZero();
        assertThat(converted.err()).contains(model + " was saved by backend 'djl'; running it on 'onnxruntime',"
                + " converted");
        assertThat(own.err()).as("no note without --backend").doesNotContain("converted");
        List<String> ownRows = own.out().strip().lines().toList();
        List<String> convertedRows = converted.out().strip().lines().toList();
        assertThat(convertedRows).hasSize(ownRows.size());
        for (int i = 1; i < ownRows.size(); i++) {
            String[] a = ownRows.get(i).split(",");
            String[] b = convertedRows.get(i).split(",");
            assertThat(b[1]).as("the digit of %s", a[0]).isEqualTo(a[1]);
            assertThat(Double.parseDouble(b[2])).as("the confidence of %s", a[0])
                    .isCloseTo(Double.parseDouble(a[2]), org.assertj.core.api.Assertions.within(1e-4));
        }
        Run evaluated = run("evaluate", "--backend", "onnxruntime", "--model", model.toString(), "--format", "json",
                "--output-dir", dir.resolve("eval-ort").toString());
        assertThat(evaluated.code()).as(evaluated.err()).isZero();
        assertThat(evaluated.json().get("backend").asText()).isEqualTo("onnxruntime");
        assertThat(evaluated.json().get("accuracy").asDouble()).as("the converted model's accuracy")
                .isCloseTo(trained.get("test_accuracy").asDouble(), org.assertj.core.api.Assertions.within(2e-4));
    }

    @Test
    void theInferenceOnlyBackendRunsTheBundledModelAndRefusesToTrainWithExitCode2() {
        Run predicted = run("predict", "--backend", "onnxruntime", "--format", "csv", images.toString());
        assertThat(predicted.code()).as(predicted.err()).isZero();
        long right = predicted.out().strip().lines().skip(1)
                .filter(line -> line.split(",")[0].endsWith("label" + line.split(",")[1] + ".png")).count();
        assertThat(right).as("the bundled model on onnxruntime, 20 drawn digits").isGreaterThanOrEqualTo(19);
        String never = dir.resolve("never").toString();
        for (String[] args : new String[][] {{"train", "--backend", "onnxruntime", "--epochs", "1", "--output-dir",
                never}, {"demo", "--backend", "onnxruntime", "--output-dir", never}, {"bench", "--backend",
                "onnxruntime", "--quick"}}) {
            Run r = run(args);
            assertThat(r.code()).as("%s: %s", args[0], r.err()).isEqualTo(MnistCli.EXIT_USAGE);
            assertThat(r.err()).as(args[0]).contains("cannot train").doesNotContain("internal error");
            assertThat(r.out()).as("%s stops before it starts", args[0]).doesNotContain("== 1.")
                    .doesNotContain("bench:");
        }
        assertThat(dir.resolve("never")).as("nothing written").doesNotExist();
    }

    @Test
    void argumentErrorsSayWhatIsWrong() {
        Run unknown = run("train", "--epochs", "many");
        assertThat(unknown.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(unknown.err()).contains("--epochs").contains("many");
        Run optimizer = run("train", "--optimizer", "sgd", "--epochs", "1");
        assertThat(optimizer.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(optimizer.err()).contains("rmsprop or adam");
        Run backend = run("evaluate", "--backend", "tensorflow", "--model", model.toString());
        assertThat(backend.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(backend.err()).contains("tensorflow").contains("djl").contains("dl4j");
        Run noPaths = run("predict");
        assertThat(noPaths.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(noPaths.err()).contains("PATH");
    }

    /** An MNIST digit as a person would draw it: dark ink on a white page, larger, off-centre. */
    static BufferedImage paper(DigitImage digit) {
        BufferedImage page = new BufferedImage(120, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < page.getHeight(); y++) {
            for (int x = 0; x < page.getWidth(); x++) {
                int sx = (x - 30) / 2;
                int sy = (y - 15) / 2;
                float ink = sx >= 0 && sy >= 0 && sx < 28 && sy < 28 ? digit.pixel(sx, sy) : 0;
                int v = 245 - Math.round(ink * 220);
                page.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return page;
    }
}
