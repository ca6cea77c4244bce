package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engines say on stderr (issue 19): libtorch's deprecation warning does not reach the user, and a cache
 * that cannot take the natives is named as such, not as a model file that does not fit. The engine starts once per
 * JVM and writes to the process's stderr, so each command runs in a JVM of its own.
 */
class EngineMessagesCliTest {
    @TempDir
    Path dir;

    @Test
    void importOnDjlPrintsNoDeprecationWarningFromLibtorch() throws IOException, InterruptedException {
        Path model = dir.resolve("imported.mnist");
        MnistCliTest.Run r = mnist(Map.of(), "import",
                ImportCommandTest.keras("Moonflower2022_MNIST-models__mnist_model.h5").toString(), "--output",
                model.toString(), "--backend", "djl");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(model).isRegularFile();
        assertThat(r.err()).doesNotContain("AutoNonVariableTypeMode").doesNotContain("Warning:");
    }

    @Test
    void aNativeCacheThatCannotBeWrittenIsNamedAsSuchNotAsABadModel() throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        MnistCliTest.Run r = mnist(Map.of("ENGINE_CACHE_DIR", file.resolve("engines").toString()), "predict",
                "--backend", "djl", Path.of("../samples/0000-test09000-label7.png").toAbsolutePath().toString());
        assertThat(r.code()).as(r.err()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains("cannot unpack PyTorch's native libraries into " + file.resolve("engines"))
                .contains(file + " is a file, not a folder").contains("Set ENGINE_CACHE_DIR")
                .doesNotContain("do not fit its network");
    }

    /** The command in a JVM of its own, with {@code env} added to the environment. */
    private MnistCliTest.Run mnist(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                MnistCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()); // a crash report would go there
        pb.environment().remove("TORCH_CPP_LOG_LEVEL");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        int code = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
        return new MnistCliTest.Run(code, Files.readString(out), Files.readString(err));
    }
}
