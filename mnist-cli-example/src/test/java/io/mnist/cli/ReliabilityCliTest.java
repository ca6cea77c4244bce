package io.mnist.cli;

import static io.mnist.cli.MnistCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.model.ModelFile;
import io.mnist.cli.MnistCliTest.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19 at the command line: nothing silently wrong, nothing lost, and every refusal says what to do. */
class ReliabilityCliTest {
    private static final Path SAMPLE = Path.of("../samples/0000-test09000-label7.png");

    @TempDir
    Path dir;

    @Test
    void trainingThatDivergesStopsNamingEpochAndBatchAndSavesNothing() throws IOException {
        Path model = dir.resolve("nan.mnist");
        Run r = run("train", "--backend", "djl", "--epochs", "1", "--train-limit", "1000", "--lr", "1e30",
                "--output", model.toString(), "--output-dir", dir.resolve("out").toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains("Training diverged in epoch 1, batch ").contains("the batch loss is")
                .contains("learning rate 1.0E30 is too high").contains("--lr").contains("Nothing was saved");
        assertThat(model).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no model, no temporary file")
                    .noneMatch(n -> n.contains(".mnist"));
        }
    }

    @Test
    void aLearningRateDecayOfZeroIsRefusedWithTheValidRange() {
        Run r = run("train", "--lr-decay", "0");
        assertThat(r.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains("--lr-decay must be in (0, 1]").contains("not 0.0");
    }

    @Test
    void trainChecksItsOutputBeforeTheFirstEpoch() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("models"));
        Run intoFolder = run("train", "--backend", "djl", "--output", folder.toString(), "--output-dir",
                dir.resolve("out").toString());
        assertThat(intoFolder.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(intoFolder.err()).contains(folder.toString()).contains("it is a folder");
        assertThat(intoFolder.out()).as("no training started").doesNotContain("Training on");
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Run underFile = run("train", "--backend", "djl", "--output", file.resolve("m.mnist").toString(),
                "--output-dir", dir.resolve("out").toString());
        assertThat(underFile.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(underFile.err()).contains(file + " is a file, not a folder");
        assertThat(underFile.out()).doesNotContain("Training on");
        Run outputDirIsAFile = run("train", "--backend", "djl", "--output-dir", file.toString());
        assertThat(outputDirIsAFile.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(outputDirIsAFile.err()).contains(file + ": --output-dir names a file, not a folder");
    }

    @Test
    void aTrainedModelThatCannotBeSavedWhereAskedIsSavedElsewhereAndTheUserIsTold() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Path rescue = Files.createDirectories(dir.resolve("rescue"));
        StringWriter err = new StringWriter();
        try (DigitClassifier model = DigitClassifiers.pretrained("djl")) {
            Path saved = TrainCommand.saveOrKeep(model, file.resolve("m.mnist"),
                    List.of(file.resolve("also-not-a-folder"), rescue), new PrintWriter(err, true));
            assertThat(saved.getParent()).isEqualTo(rescue);
            assertThat(saved.getFileName().toString()).startsWith("m-").endsWith(".mnist");
            assertThat(ModelFile.read(saved).manifest().model().backend()).isEqualTo("djl");
            assertThat(err.toString()).contains("could not save the model to " + file.resolve("m.mnist"))
                    .contains("saved it to " + saved);
            assertThatThrownBy(() -> TrainCommand.saveOrKeep(model, file.resolve("m.mnist"),
                    List.of(file.resolve("nowhere")), new PrintWriter(new StringWriter())))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("could not be saved anywhere: " + file.resolve("m.mnist"))
                    .hasMessageContaining(file.resolve("nowhere").toString());
        }
    }

    @Test
    void aNaNDifferenceDoesNotPassConvertsCheck() {
        assertThatThrownBy(() -> ConvertCommand.requireSamePredictions(Double.NaN))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("differ by up to NaN")
                .hasMessageContaining("nothing was written");
        assertThatThrownBy(() -> ConvertCommand.requireSamePredictions(1e-3)).isInstanceOf(IllegalStateException.class);
        ConvertCommand.requireSamePredictions(1e-6);
    }

    @Test
    void preprocessRefusesZeroColumnsAndAFolderAsItsOutput() throws IOException {
        Run zero = run("preprocess", SAMPLE.toString(), "--columns", "0", "--output",
                dir.resolve("p.png").toString());
        assertThat(zero.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(zero.err()).contains("--columns must be between 1 and 100, not 0").doesNotContain("by zero");
        Path folder = Files.createDirectories(dir.resolve("pictures"));
        Run intoFolder = run("preprocess", SAMPLE.toString(), "--output", folder.toString());
        assertThat(intoFolder.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(intoFolder.err()).contains("--output " + folder + " is a folder")
                .contains(folder.resolve("preprocessing.png").toString()).doesNotContain("\tat ");
        assertThat(folder).as("ImageIO would have deleted the empty folder and written a file there").isDirectory();
    }

    @Test
    void aBackendNameInCapitalsMeansTheSameWithAndWithoutAModel() throws IOException {
        Path model = dir.resolve("djl.mnist");
        try (DigitClassifier pretrained = DigitClassifiers.pretrained("djl")) {
            pretrained.save(model);
        }
        Run alone = run("predict", "--backend", "DJL", SAMPLE.toString());
        Run withModel = run("predict", "--backend", "DJL", "--model", model.toString(), SAMPLE.toString());
        assertThat(alone.code()).as(alone.err()).isZero();
        assertThat(withModel.code()).as(withModel.err()).isZero();
        assertThat(withModel.out()).isEqualTo(alone.out());
    }

    @Test
    void aFileNameStartingWithADashGetsAHintToUseDashDashOrDotSlash() {
        Run r = run("predict", "-x.png");
        assertThat(r.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains("'-x.png' is not an option of 'predict'")
                .contains("write ./-x.png or put -- before the file names");
        Run known = run("predict", "--format", "yaml", SAMPLE.toString());
        assertThat(known.err()).as("no hint when every option is known").doesNotContain("not an option of");
    }

    @Test
    void aFolderListingReportsWhatItDoesNotRead(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // A dangling link and a FIFO named as images, and a folder of images inside the folder, were all left out
        // without a word.
        Path folder = Files.createDirectory(dir.resolve("f"));
        Files.copy(SAMPLE, folder.resolve("seven.png"));
        Files.createSymbolicLink(folder.resolve("gone.png"), dir.resolve("no-such-file.png"));
        Process mkfifo = new ProcessBuilder("mkfifo", folder.resolve("pipe.png").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        Files.createDirectory(folder.resolve("inner"));
        Files.copy(SAMPLE, folder.resolve("inner").resolve("seven.png"));

        Run r = run("predict", "--backend", "djl", "--format", "csv", folder.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(MnistCli.EXIT_PARTIAL);
        assertThat(r.out()).contains("seven.png,7").contains("gone.png,error").contains("pipe.png,error");
        assertThat(r.err()).contains("gone.png: no such file").contains("pipe.png").contains("not a regular file")
                .contains("inner is a folder inside").contains("name it too");
    }
}
