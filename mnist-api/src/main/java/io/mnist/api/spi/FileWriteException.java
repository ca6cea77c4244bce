package io.mnist.api.spi;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file that could not be written, named, with what went wrong in words and what to do: the disk is full, the
 * folder is not writable, a part of the path is a file. The operating system's own messages ("No space left on
 * device", "I/O error writing PNG file!") name no file, so every place that writes a file the user chose or will
 * look for (model files, pictures, tables, the MNIST cache) goes through {@link #writing}.
 *
 * <p>{@link #getMessage()} reads {@code PATH: cannot be written: REASON (SYSTEM MESSAGE). WHAT TO DO}.
 */
public final class FileWriteException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    /** A write to a path; {@link #writing(Path, Write)} names the path if it fails. */
    @FunctionalInterface
    public interface Write {
        /**
         * Writes.
         *
         * @throws IOException if the write fails
         */
        void run() throws IOException;
    }

    private FileWriteException(Path path, String reason, IOException cause) {
        super(path.toString(), null, reason);
        initCause(cause);
    }

    /**
     * Runs {@code write}, which writes {@code path} (or files in the folder {@code path}), turning any
     * {@link IOException} it throws into a {@code FileWriteException} naming {@code path} ({@link #of}).
     *
     * @param path  the file or folder being written, as the user named it
     * @param write the writing
     * @throws FileWriteException if {@code write} throws an {@link IOException}
     */
    public static void writing(Path path, Write write) throws FileWriteException {
        try {
            write.run();
        } catch (FileWriteException e) {
            throw e;
        } catch (IOException e) {
            throw of(path, e);
        }
    }

    /**
     * {@code failure}, a failure writing {@code path}, as a {@code FileWriteException} that names the path, says what
     * happened in words and what to do. One already naming a path is returned as it is.
     *
     * @param path the file or folder being written
     * @param failure what the write threw
     * @return the exception to throw
     */
    public static FileWriteException of(Path path, IOException failure) {
        if (failure instanceof FileWriteException named) {
            return named;
        }
        // Writers wrap the system's error in their own ("I/O error writing PNG file!"): the innermost one says why.
        IOException inner = failure;
        for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException io && io.getMessage() != null) {
                inner = io;
            }
        }
        String system = inner.getMessage() == null ? inner.getClass().getSimpleName() : inner.getMessage();
        if (inner instanceof FileSystemException fs && fs.getReason() != null) {
            // AccessDeniedException and friends: the message is "FILE: REASON"; keep the file when it is another
            // one than the path (a temporary file beside it, a parent folder).
            system = fs.getFile() != null && !fs.getFile().equals(path.toString())
                    ? fs.getFile() + ": " + fs.getReason() : fs.getReason();
        }
        system = system.strip().replaceAll("[.!]+$", "");
        String lower = system.toLowerCase(Locale.ROOT);
        String reason;
        if (lower.contains("no space left") || lower.contains("disk quota")) {
            reason = "the disk is full (" + system + "). Free some space there, or write to another place";
        } else if (lower.contains("read-only file system")) {
            reason = "the file system is read-only (" + system + "). Write to another place";
        } else if (inner instanceof AccessDeniedException || lower.contains("permission denied")) {
            reason = "the folder is not writable (" + system + "). Write to another place, or make the folder"
                    + " writable";
        } else if (inner instanceof NotDirectoryException || lower.contains("not a directory")) {
            reason = "a part of the path is a file, not a folder (" + system + "). Choose another path";
        } else if (lower.contains("file too large")) {
            reason = "the file is larger than this file system or the process's file size limit (ulimit -f)"
                    + " allows (" + system + "). Write to another place, or raise the limit";
        } else {
            reason = system + ". Check the disk, or write to another place";
        }
        return new FileWriteException(path, "cannot be written: " + reason, failure);
    }
}
