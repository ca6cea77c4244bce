package io.mnist.api.data;

/**
 * The MNIST data cannot be found, fetched, verified or read. The message says where it looked and what to do.
 */
public class MnistDataException extends RuntimeException {
    public MnistDataException(String message) {
        super(message);
    }

    public MnistDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
