package io.mnist.api.model;

/** The model file uses a newer format version than this library reads. */
public class UnsupportedModelVersionException extends ModelFileException {
    public UnsupportedModelVersionException(String message) {
        super(message);
    }
}
