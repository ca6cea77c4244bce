package io.mnist.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacked native libraries are checked against the jar they came from, as an engine's cache holds them. */
class UnpackedNativesTest {
    @TempDir
    Path dir;
    private Path cache;
    private final List<UnpackedNatives.Library> libraries = new ArrayList<>();

    /** A jar with three "libraries" of random bytes, unpacked into a cache folder as an engine does. */
    @BeforeEach
    void jarAndCache() throws IOException {
        Path jar = dir.resolve("natives-linux-x86_64.jar");
        cache = Files.createDirectories(dir.resolve("cache").resolve("engine-1.0"));
        Random random = new Random(19);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("liba.so", "libb.so", "libc.so")) {
                byte[] bytes = new byte[10_000 + random.nextInt(5_000)];
                random.nextBytes(bytes);
                out.putNextEntry(new JarEntry("natives/" + name));
                out.write(bytes);
                out.closeEntry();
                Files.write(cache.resolve(name), bytes);
                libraries.add(new UnpackedNatives.Library(cache.resolve(name),
                        new URL("jar:" + jar.toUri() + "!/natives/" + name)));
            }
        }
    }

    @Test
    void filesAsTheJarHoldsThemMatch() throws IOException {
        assertThat(UnpackedNatives.check(libraries, false)).isEmpty();
        assertThat(UnpackedNatives.check(libraries, true)).isEmpty();
    }

    @Test
    void aLibraryCutShortIsFoundByItsSizeAndNamed() throws IOException {
        Path b = cache.resolve("libb.so");
        long full = Files.size(b);
        try (var channel = java.nio.channels.FileChannel.open(b, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(4096);
        }
        List<UnpackedNatives.Mismatch> bad = UnpackedNatives.check(libraries, false);
        assertThat(bad).extracting(UnpackedNatives.Mismatch::file).containsExactly(b);
        assertThat(bad.get(0).problem()).isEqualTo(String.format(java.util.Locale.ROOT,
                "4,096 bytes, but natives-linux-x86_64.jar holds %,d: it was cut short or changed", full));
    }

    @Test
    void aLibraryOfTheRightSizeButOtherBytesIsFoundByItsDigest() throws IOException {
        Path c = cache.resolve("libc.so");
        byte[] bytes = Files.readAllBytes(c);
        bytes[bytes.length / 2] ^= 1;
        Files.write(c, bytes);
        assertThat(UnpackedNatives.check(libraries, false)).as("sizes alone").isEmpty();
        List<UnpackedNatives.Mismatch> bad = UnpackedNatives.check(libraries, true);
        assertThat(bad).extracting(UnpackedNatives.Mismatch::file).containsExactly(c);
        assertThat(bad.get(0).problem()).startsWith("SHA-256 ").contains("but natives-linux-x86_64.jar holds ")
                .endsWith("it was damaged or changed");
    }

    @Test
    void aLibraryNotUnpackedYetIsNoMismatchAndDeletingMakesRoomToUnpackAgain() throws IOException {
        Files.delete(cache.resolve("liba.so"));
        assertThat(UnpackedNatives.check(libraries, true)).isEmpty();
        UnpackedNatives.delete(cache);
        assertThat(cache).doesNotExist();
        assertThat(cache.getParent()).exists();
        UnpackedNatives.delete(cache);
    }

    @Test
    void aCacheFolderUnderAFileOrOnAReadOnlyFileSystemIsNotWritable() throws IOException {
        assertThat(UnpackedNatives.whyNotWritable(cache)).isNull();
        assertThat(UnpackedNatives.whyNotWritable(dir.resolve("not/yet/there"))).as("created when needed").isNull();
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertThat(UnpackedNatives.whyNotWritable(file.resolve("cache/engine")))
                .isEqualTo(file + " is a file, not a folder");
        // Root writes into folders whatever their mode says; /proc/self is a folder no one can create files in.
        Path proc = Path.of("/proc/self");
        if (Files.isDirectory(proc)) {
            assertThat(UnpackedNatives.whyNotWritable(proc.resolve("cache"))).startsWith(proc + " is ");
        }
    }
}
