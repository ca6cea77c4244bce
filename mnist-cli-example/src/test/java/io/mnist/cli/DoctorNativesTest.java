package io.mnist.cli;

import static io.mnist.cli.MnistCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifiers;
import io.mnist.api.spi.UnpackedNatives;
import io.mnist.cli.MnistCliTest.Run;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mnist doctor} checks the engines' unpacked natives against their jars (issue 19): a library cut short is
 * named with what to do. The engines' caches are pointed at temporary folders; the real ones are only read.
 */
class DoctorNativesTest {
    private static final String JAVACPP_CACHE = "org.bytedeco.javacpp.cachedir";

    @TempDir
    Path dir;

    @Test
    void aNativeLibraryCutShortIsNamedWithTheFix() throws IOException {
        String before = System.getProperty(JAVACPP_CACHE);
        String engines = System.getProperty("ENGINE_CACHE_DIR");
        try {
            System.setProperty("ENGINE_CACHE_DIR", dir.resolve("djl").toString());
            Path cache = dir.resolve("javacpp");
            System.setProperty(JAVACPP_CACHE, cache.toString());
            List<UnpackedNatives.Library> natives = DigitClassifiers.backend("dl4j").unpackedNatives();
            assertThat(natives).as("ND4J's libraries in the JavaCPP cache").isNotEmpty()
                    .allMatch(l -> l.file().startsWith(cache));
            // The smallest, copied from its jar and cut short, as a disk that filled up while unpacking leaves it.
            UnpackedNatives.Library smallest = natives.stream().min(Comparator.comparingLong(l -> size(l))).get();
            Files.createDirectories(smallest.file().getParent());
            try (var in = smallest.source().openStream()) {
                Files.copy(in, smallest.file());
            }
            Run healthy = run("doctor", "--no-digests");
            assertThat(healthy.code()).as(healthy.out() + healthy.err()).isZero();
            assertThat(healthy.out()).contains("natives     dl4j: 1 of " + natives.size() + " libraries unpacked,"
                    + " all as in the jars (size); the rest are unpacked when needed");
            try (FileChannel channel = FileChannel.open(smallest.file(), StandardOpenOption.WRITE)) {
                channel.truncate(channel.size() / 2);
            }
            Run damaged = run("doctor");
            assertThat(damaged.code()).as(damaged.out() + damaged.err()).isEqualTo(MnistCli.EXIT_USAGE);
            assertThat(damaged.out()).contains("natives     dl4j: DAMAGED " + smallest.file() + ": ")
                    .contains("it was cut short or changed. Delete it (rm '" + smallest.file() + "'); dl4j unpacks"
                            + " it again at its next start");
        } finally {
            restore(JAVACPP_CACHE, before);
            restore("ENGINE_CACHE_DIR", engines);
        }
    }

    private static long size(UnpackedNatives.Library l) {
        try {
            return l.source().openConnection().getContentLengthLong();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
