package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnist serve}'s own part: its options and its exit when the model cannot be loaded. */
class ServeCommandTest {

    @Test
    void readsSizesInBytesKilobytesAndMegabytes() {
        assertThat(ServeCommand.bytes("10MB")).isEqualTo(10L * 1024 * 1024);
        assertThat(ServeCommand.bytes("512KB")).isEqualTo(512L * 1024);
        assertThat(ServeCommand.bytes("2m")).isEqualTo(2L * 1024 * 1024);
        assertThat(ServeCommand.bytes("1048576")).isEqualTo(1_048_576L);
        assertThatThrownBy(() -> ServeCommand.bytes("ten")).hasMessageContaining("e.g. 10MB");
    }

    @Test
    void refusesABadLimitAsAUsageError() {
        MnistCliTest.Run r = MnistCliTest.run("serve", "--port", "0", "--max-files", "0");

        assertThat(r.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains("max files 0");
    }

    @Test
    void refusesABadSlowClientLimitAsAUsageError() {
        MnistCliTest.Run idle = MnistCliTest.run("serve", "--port", "0", "--idle-timeout", "0");
        MnistCliTest.Run rate = MnistCliTest.run("serve", "--port", "0", "--min-request-rate", "-1");
        MnistCliTest.Run headers = MnistCliTest.run("serve", "--port", "0", "--header-timeout", "0");
        MnistCliTest.Run uploads = MnistCliTest.run("serve", "--port", "0", "--max-uploads", "0");
        MnistCliTest.Run body = MnistCliTest.run("serve", "--port", "0", "--body-timeout", "0");

        assertThat(idle.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(idle.err()).contains("idle timeout must be at least 1 ms");
        assertThat(rate.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(rate.err()).contains("at least 0 bytes/s");
        assertThat(headers.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(headers.err()).contains("header timeout must be at least 1 ms");
        assertThat(uploads.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(uploads.err()).contains("uploads read at once must be at least 1");
        assertThat(body.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(body.err()).contains("body timeout must be at least 1 ms");
    }

    @Test
    void stopsWithAUsageErrorWhenTheModelCannotBeLoaded(@TempDir Path dir) throws Exception {
        Path notAModel = Files.writeString(dir.resolve("model.mnist"), "not a model");

        MnistCliTest.Run r = MnistCliTest.run("serve", "--port", "0", "--model", notAModel.toString());

        assertThat(r.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.out()).contains("listening on http://127.0.0.1:");
        assertThat(r.err()).contains("model.mnist");
    }
}
