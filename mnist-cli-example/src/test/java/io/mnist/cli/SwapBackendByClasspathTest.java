package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.example.QuickStart;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One application class, compiled once, runs unchanged on either backend: {@link QuickStart} is started in a
 * fresh JVM whose classpath holds only one backend jar (neither the other nor the inference-only onnxruntime), and
 * picks that backend up through ServiceLoader.
 */
class SwapBackendByClasspathTest {

    @ParameterizedTest(name = "with only {0} on the classpath")
    @CsvSource({"djl, mnist-dl4j", "dl4j, mnist-djl"})
    void quickStartRunsOnWhicheverBackendIsPresent(String backend, String removed) throws Exception {
        // The inference-only backend leaves too: QuickStart trains, and one training backend must be alone.
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Stream.of(removed, "mnist-onnxruntime").noneMatch(
                        r -> entry.contains(File.separator + r + File.separator)
                                || Path.of(entry).getFileName().toString().startsWith(r + "-")))
                .collect(Collectors.joining(File.pathSeparator));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, QuickStart.class.getName(), "1000", "1").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("QuickStart output:%n%s", output).isZero();
        assertThat(output).contains("backend=" + backend + " ").contains("reloaded=" + backend + " ")
                .doesNotContain("Several backends");
        double accuracy = Double.parseDouble(output.replaceAll("(?s).*accuracy=([0-9.]+).*", "$1"));
        assertThat(accuracy).as("one epoch on 1,000 images").isGreaterThan(0.6);
    }
}
