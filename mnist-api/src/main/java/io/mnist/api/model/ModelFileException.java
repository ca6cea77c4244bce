package io.mnist.api.model;

import java.io.IOException;

/**
 * A model file cannot be used. Subclasses say why; each message names the file and what to do about it.
 */
public class ModelFileException extends IOException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
