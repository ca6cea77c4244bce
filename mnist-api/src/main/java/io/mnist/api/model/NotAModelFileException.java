package io.mnist.api.model;

/** The file is not an mnist model file at all (not a zip, or a zip without our manifest). */
public class NotAModelFileException extends ModelFileException {
    public NotAModelFileException(String message) {
        super(message);
    }
}
