package io.mnist.api.model;

/** The file is a model file but damaged: truncated, unreadable zip, malformed manifest or weights. */
public class CorruptModelFileException extends ModelFileException {
    public CorruptModelFileException(String message) {
        super(message);
    }

    public CorruptModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
