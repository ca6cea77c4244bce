package io.mnist.api;

/** Thrown when an image holds no ink to recognise: blank, or one flat colour. */
public class EmptyImageException extends IllegalArgumentException {
    public EmptyImageException(String message) {
        super(message);
    }
}
