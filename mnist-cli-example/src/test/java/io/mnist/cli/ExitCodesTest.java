package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.LibraryVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The exit codes the README documents: 0 done, 1 some inputs failed, 2 usage or bad model, 3 internal error. */
class ExitCodesTest {
    /** A sub-command that fails the way a bug would. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new NullPointerException("a bug in a command");
        }
    }

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MnistCli()).addSubcommand("boom", new Boom());
        int code = MnistCli.run(cli, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void anInternalErrorExitsWith3AndOneLineUnlessVerbose() {
        Run quiet = run("boom");
        assertThat(quiet.code()).isEqualTo(MnistCli.EXIT_INTERNAL).isEqualTo(3);
        assertThat(quiet.err().strip()).isEqualTo("mnist: internal error: java.lang.NullPointerException: a bug in"
                + " a command (run again with --verbose for the stack trace)");
        Run verbose = run("boom", "--verbose");
        assertThat(verbose.code()).isEqualTo(3);
        assertThat(verbose.err()).contains("mnist: internal error: java.lang.NullPointerException: a bug in a command")
                .contains("\tat io.mnist.cli.ExitCodesTest$Boom.call(");
    }

    @Test
    void aBadModelFileIsAUserErrorWithExitCode2AndNoStackTrace(@TempDir Path dir) throws Exception {
        Path notAModel = java.nio.file.Files.writeString(dir.resolve("notes.mnist"), "not a model");
        Run r = run("evaluate", "--model", notAModel.toString());
        assertThat(r.code()).isEqualTo(MnistCli.EXIT_USAGE).isEqualTo(2);
        assertThat(r.err()).contains("is not an mnist model file").doesNotContain("\tat ");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run("predict").code()).isEqualTo(2);
        assertThat(run("no-such-command").code()).isEqualTo(2);
    }

    @Test
    void versionNamesTheLibraryVersionAndEachBackendsEngine() {
        Run r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("mnist " + LibraryVersion.current() + System.lineSeparator())
                .doesNotContain("development").contains("backend djl: DJL ").contains("backend dl4j: Deeplearning4j ");
    }

    @Test
    void doctorNamesTheLibraryVersionEveryBackendAndTheChoiceForTrainingAndPrediction() {
        Run r = run("doctor");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("mnist       " + LibraryVersion.current())
                .containsPattern("backend +onnxruntime +ONNX Runtime [0-9.]+ \\(io.mnist:mnist-onnxruntime\\),"
                        + " bundled model")
                .contains("chosen      djl to train, onnxruntime to predict and evaluate");
        assertThat(run("doctor", "--backend", "dl4j").out()).contains("chosen      dl4j" + System.lineSeparator());
    }
}
