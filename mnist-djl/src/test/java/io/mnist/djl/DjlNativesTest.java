package io.mnist.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.mnist.api.spi.UnpackedNatives;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch's unpacked natives (issue 19): a library cut short is found and unpacked again instead of killing the
 * JVM with SIGBUS, and a cache folder that cannot take them is named with what to do. The engine starts once per
 * JVM, so each start runs in a JVM of its own; the real cache ({@code ~/.djl.ai}) is only read.
 */
class DjlNativesTest {
    @TempDir
    Path dir;

    @Test
    void theUnpackedNativesMatchTheJars() throws IOException {
        DjlEngine.get();
        assertThat(DjlEngine.natives()).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(l -> Files.isRegularFile(l.file()), "unpacked");
        assertThat(DjlEngine.mismatches(false)).isEmpty();
    }

    @Test
    void aLibraryCutShortIsUnpackedAgainBeforeTheEngineLoadsIt() throws Exception {
        DjlEngine.get(); // the real cache holds the libraries
        Path real = DjlEngine.nativeFolder();
        Path cache = dir.resolve("engines");
        Path copy = Files.createDirectories(cache.resolve("pytorch").resolve(real.getFileName()));
        // Links to the real files (nothing large is copied, and none is changed), but one copy cut short.
        Path cut = null;
        for (UnpackedNatives.Library l : DjlEngine.natives()) {
            Path name = l.file().getFileName();
            if (cut == null && name.toString().startsWith("libc10")) {
                cut = Files.copy(l.file(), copy.resolve(name));
                try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
                    channel.truncate(channel.size() / 3);
                }
            } else {
                Files.createSymbolicLink(copy.resolve(name), l.file());
            }
        }
        assertThat(cut).as("libc10 is one of PyTorch's libraries").isNotNull();
        Child child = start(cache, dir);
        assertThat(child.code()).as("a damaged library crashed the JVM (134: SIGABRT after SIGBUS):%n%s",
                child.output()).isZero();
        assertThat(child.output()).contains("[mnist] PyTorch's native library " + cut + " was damaged (")
                .contains("it was cut short or changed); deleted " + copy + " for PyTorch to unpack it again")
                .contains("sum=6.0");
        assertThat(Files.size(cut)).as("unpacked again, whole").isEqualTo(Files.size(real.resolve("libc10.so")));
        assertThat(Files.isSymbolicLink(copy.resolve("libtorch_cpu.so"))).as("the links went with the folder")
                .isFalse();
    }

    @Test
    void aCacheThatCannotTakeTheNativesIsNamedWithWhatToDo() throws Exception {
        // A read-only folder does not stop root, as tests run here; a path under a file fails the same way.
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Path cache = file.resolve("engines");
        Child child = start(cache, dir);
        assertThat(child.code()).as(child.output()).isEqualTo(2);
        assertThat(child.output()).contains("[mnist] The djl backend cannot unpack PyTorch's native libraries into "
                        + cache.resolve("pytorch").resolve(DjlEngine.nativeFolder().getFileName()) + ": it does not"
                        + " exist yet and " + file + " is a file, not a folder.")
                .contains("Set ENGINE_CACHE_DIR (or DJL_CACHE_DIR) to a writable folder")
                .doesNotContain("do not fit");
    }

    private record Child(int code, String output) {
    }

    /** The probe in a JVM of its own, working in {@code workDir} (where a crash would leave its hs_err file). */
    private static Child start(Path engineCache, Path workDir) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(true)
                .directory(workDir.toFile());
        builder.environment().put("ENGINE_CACHE_DIR", engineCache.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Child(process.waitFor(), output);
    }

    /** Runs in the child JVM: starts the engine and adds three ones. */
    public static final class Probe {
        public static void main(String[] args) {
            try (NDManager manager = DjlEngine.get().newBaseManager()) {
                System.out.println("sum=" + manager.ones(new ai.djl.ndarray.types.Shape(3)).sum().getFloat() * 2);
            } catch (RuntimeException e) {
                System.out.println(e.getMessage());
                System.exit(2);
            }
        }
    }

    @Test
    void theNativesListIsLibtorchsThenTheJniLibrary() throws IOException {
        List<UnpackedNatives.Library> natives = DjlEngine.natives();
        assertThat(natives.get(natives.size() - 1).file().getFileName().toString()).endsWith("libdjl_torch.so");
        assertThat(natives).extracting(l -> l.file().getFileName().toString()).contains("libtorch_cpu.so",
                "libc10.so", "libtorch.so");
    }
}
