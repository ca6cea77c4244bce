package io.mnist.api;

/**
 * No usable backend: none on the classpath, or none by the requested name. The message lists the backends that
 * are present and names the artifact to add.
 */
public class BackendNotFoundException extends RuntimeException {
    public BackendNotFoundException(String message) {
        super(message);
    }
}
