package io.mnist.cli;

import static io.mnist.cli.MnistCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mnist.cli.MnistCliTest.Run;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, a full disk: every command that writes names the file it could not write and what to do. /dev/full
 * answers every write with "No space left on device" (ENOSPC); a symbolic link to it stands for a file in an output
 * folder. Model files are written to a temporary file beside the target first, which /dev/full cannot stand for:
 * there a file size limit ({@code ulimit -f}) makes the write fail.
 */
class WriteFailureCliTest {
    private static final Path FULL = Path.of("/dev/full");
    private static final Path SAMPLE = Path.of("../samples/0000-test09000-label7.png");

    @TempDir
    Path dir;

    @BeforeEach
    void linux() {
        assumeTrue(Files.isWritable(FULL), "/dev/full (Linux)");
    }

    @Test
    void aPictureWrittenToAFullDiskNamesItsFile() {
        Run r = run("preprocess", SAMPLE.toString(), "--output", FULL.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains("mnist: /dev/full: cannot be written: the disk is full (No space left on"
                + " device). Free some space there, or write to another place");
    }

    @Test
    void aPictureInTheOutputFolderOnAFullDiskNamesItsFile() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.createSymbolicLink(out.resolve("samples.png"), FULL);
        Run r = run("data", "--output-dir", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains(out.resolve("samples.png") + ": cannot be written: the disk is full");
    }

    @Test
    void anOutputFolderUnderAFileSaysSo() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Run r = run("data", "--output-dir", file.resolve("out").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains(file.resolve("out") + ": cannot be written: a part of the path is a file");
    }

    @Test
    void aTablePrintedIntoAFullDiskIsAnErrorNotASilentSuccess() throws IOException {
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter out = new PrintWriter(new FileOutputStream(FULL.toFile()), true, StandardCharsets.UTF_8)) {
            code = MnistCli.run(out, new PrintWriter(err), "predict", "--format", "csv", SAMPLE.toString());
        }
        assertThat(code).as(err.toString()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(err.toString()).contains("the output could not be written").contains("what was written is"
                + " incomplete");
    }

    @Test
    void modelFilesAndOnnxExportsThatCannotBeWrittenNameTheirFile() throws IOException, InterruptedException {
        Path model = dir.resolve("imported.mnist");
        Run imported = limited(8, "--backend", "djl", "import",
                ImportCommandTest.keras("Purinat33_Streamlit-MNIST__mnist_cnn.h5").toString(), "--output", model.toString());
        assertThat(imported.code()).as(imported.err()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(imported.err()).contains("mnist: " + model + ": cannot be written: the file is larger than this"
                + " file system or the process's file size limit (ulimit -f) allows (File too large)");
        Path onnx = dir.resolve("exported.onnx");
        Run exported = limited(8, "--backend", "djl", "export", "--onnx", onnx.toString());
        assertThat(exported.code()).as(exported.err()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(exported.err()).contains("mnist: " + onnx + ": cannot be written: the file is larger");
        try (var left = Files.list(dir)) {
            assertThat(left).as("no file and no temporary file left").isEmpty();
        }
    }

    /** The command in a JVM of its own whose files may not grow past {@code kilobytes}. */
    private Run limited(int kilobytes, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder command = new StringBuilder("ulimit -f " + 2 * kilobytes + " && exec '" + java
                + "' -Xmx1g -XX:-UsePerfData -Dai.djl.offline=true -cp \"$CP\" io.mnist.cli.MnistCli");
        for (String a : args) {
            command.append(" '").append(a).append('\'');
        }
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", command.toString()))
                .directory(dir.getParent().toFile());
        pb.environment().put("CP", System.getProperty("java.class.path"));
        Path out = dir.resolveSibling(dir.getFileName() + ".out");
        Path err = dir.resolveSibling(dir.getFileName() + ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        int code = pb.start().waitFor();
        Run r = new Run(code, Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
