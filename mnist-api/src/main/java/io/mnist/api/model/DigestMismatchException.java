package io.mnist.api.model;

/** An entry's SHA-256 differs from the one its manifest recorded: the file was altered after it was saved. */
public class DigestMismatchException extends ModelFileException {
    public DigestMismatchException(String message) {
        super(message);
    }
}
