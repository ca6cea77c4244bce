package io.mnist.server;

import java.util.Objects;

/**
 * A request the server answers with an error: a stable {@link ErrorCode}, a message that says what to do, and for
 * temporary conditions the seconds after which to try again ({@code Retry-After}).
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final int retryAfterSeconds;

    ApiException(ErrorCode code, String message) {
        this(code, message, 0);
    }

    ApiException(ErrorCode code, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    ErrorCode code() {
        return code;
    }

    /** Seconds to wait before trying again, or 0 when trying again will not help. */
    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
