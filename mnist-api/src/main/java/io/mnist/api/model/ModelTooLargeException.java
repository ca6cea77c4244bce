package io.mnist.api.model;

/**
 * A model file is larger than {@link ModelLimits} allow: the file, an entry or all entries once expanded, or the
 * network its manifest declares (layers, parameters). Refused before anything of that size is allocated; the
 * message names the limit and how to raise it.
 */
public class ModelTooLargeException extends ModelFileException {
    private static final long serialVersionUID = 1L;

    public ModelTooLargeException(String message) {
        super(message);
    }
}
