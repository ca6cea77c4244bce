package io.mnist.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails names the file, says why in words and what to do. */
class FileWriteExceptionTest {
    private static final Path FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    @Test
    void aFullDiskNamesTheFileAndSaysToFreeSpace() {
        assumeTrue(Files.isWritable(FULL), "/dev/full (Linux) answers every write with ENOSPC");
        assertThatThrownBy(() -> FileWriteException.writing(FULL, () -> {
            try (OutputStream out = Files.newOutputStream(FULL)) {
                out.write(new byte[4096]);
            }
        })).isInstanceOf(FileWriteException.class)
                .hasMessage("/dev/full: cannot be written: the disk is full (No space left on device). Free some"
                        + " space there, or write to another place")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aPathUnderAFileSaysSo() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Path target = file.resolve("picture.png");
        assertThatThrownBy(() -> FileWriteException.writing(target, () -> Files.writeString(target, "x")))
                .isInstanceOf(FileWriteException.class)
                .hasMessageStartingWith(target + ": cannot be written: a part of the path is a file, not a folder")
                .hasMessageContaining("Choose another path");
    }

    @Test
    void anotherFileInTheSystemMessageIsKeptAndANamedFailureIsNotWrappedTwice() {
        Path target = dir.resolve("model.mnist");
        FileWriteException denied = FileWriteException.of(target,
                new java.nio.file.AccessDeniedException(dir.resolve(".model.mnist.1.tmp").toString()));
        assertThat(denied).hasMessage(target + ": cannot be written: the folder is not writable ("
                + dir.resolve(".model.mnist.1.tmp") + "). Write to another place, or make the folder writable");
        assertThat(FileWriteException.of(dir, denied)).isSameAs(denied);
        assertThat(FileWriteException.of(target, new IOException("Input/output error")))
                .hasMessage(target + ": cannot be written: Input/output error. Check the disk, or write to another"
                        + " place");
    }
}
