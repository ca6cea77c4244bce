package io.mnist.api.model;

/** The model was saved by a backend that is not on the classpath. The message names the artifact to add. */
public class BackendUnavailableException extends ModelFileException {
    private final String backend;

    public BackendUnavailableException(String backend, String message) {
        super(message);
        this.backend = backend;
    }

    /** The backend named in the model file. */
    public String backend() {
        return backend;
    }
}
