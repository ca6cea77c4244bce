package io.mnist.api;

/** Thrown when an image holds no ink to recognise: blank, one flat colour, or only specks of dust. */
public class EmptyImageException extends InvalidImageException {
    private static final long serialVersionUID = 1L;

    /** @param message what was found, and what to send instead */
    public EmptyImageException(String message) {
        super(Kind.EMPTY, message);
    }
}
