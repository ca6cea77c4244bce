package io.mnist.api.data;

import java.io.IOException;

/** An IDX file is not what it should be: wrong magic number, wrong sizes, truncated, or bad labels. */
public class IdxFormatException extends IOException {
    public IdxFormatException(String message) {
        super(message);
    }
}
