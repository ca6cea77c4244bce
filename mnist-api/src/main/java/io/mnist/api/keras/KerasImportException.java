package io.mnist.api.keras;

import io.mnist.api.model.ModelFileException;

/**
 * A Keras model file cannot be imported: it is not a Keras model (not HDF5 nor a {@code .keras} archive, or weights
 * without an architecture), it is damaged or truncated, or its weights do not fit its own architecture. The message
 * names the file and what is wrong. {@link UnsupportedKerasModelException}, a subclass, says the file is sound but
 * uses something this library does not build.
 */
public class KerasImportException extends ModelFileException {
    public KerasImportException(String message) {
        super(message);
    }

    public KerasImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
