package io.mnist.api.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/** Puts a finished temporary file in its place, as model files and ONNX exports are written. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Makes {@code temp} as readable as any file the user writes ({@code rw-r--r--}; temporary files are private)
     * and moves it onto {@code target} atomically where the file system can, replacing what is there.
     *
     * @throws IOException if the move fails; {@code temp} is then still there for the caller to delete
     */
    public static void publish(Path temp, Path target) throws IOException {
        if (Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
