package io.mnist.api;

import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when an input cannot be recognised as a digit image: it is not a regular file, not an image, in a format
 * this library cannot decode, damaged or truncated, over a size limit, or holds no ink. {@link #kind()} says which,
 * as a stable code that services can return to their callers ({@link Kind#code()}); the message says what to do.
 *
 * <p>It is an {@link IllegalArgumentException}: the input, not the program, is at fault, and one bad input never
 * affects others.
 */
public class InvalidImageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the input. */
    public enum Kind {
        /** A path that is not a regular file (a folder, a FIFO, a device): only regular files are read. */
        NOT_A_FILE,
        /** Bytes that are not an image in any format known to this library. */
        NOT_AN_IMAGE,
        /** An image format this library recognises but cannot decode (HEIC, PDF, SVG, ...). */
        UNSUPPORTED_FORMAT,
        /** An image whose data is damaged or truncated. */
        DAMAGED,
        /** More bytes than {@link io.mnist.api.image.ImageLimits#maxBytes()} allows. */
        TOO_MANY_BYTES,
        /** More pixels declared in the header than {@link io.mnist.api.image.ImageLimits#maxPixels()} allows. */
        TOO_MANY_PIXELS,
        /** An image that decodes but holds no ink to recognise (blank, one flat colour, only specks of dust). */
        EMPTY,
        /**
         * An image given to be read as one number that holds several rows of writing, one above the other: a
         * number is read from one row.
         */
        SEVERAL_ROWS;

        /** The stable lower-case code of this kind, as services report it: {@code not_an_image}, {@code empty}... */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;

    /**
     * @param kind    what is wrong
     * @param message what happened and what to do about it
     */
    public InvalidImageException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * @param kind    what is wrong
     * @param message what happened and what to do about it
     * @param cause   the decoder's own exception
     */
    public InvalidImageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What is wrong with the input. */
    public Kind kind() {
        return kind;
    }
}
