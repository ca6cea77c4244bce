package io.mnist.server;

import io.mnist.api.InvalidImageException;
import java.util.Locale;

/**
 * The stable {@code error} codes of the HTTP API, each with its status. The image codes are the library's own
 * ({@link InvalidImageException.Kind#code()}), so a caller sees the same word from the library, the command line and
 * the service. Codes are never renamed; new ones may be added.
 */
public enum ErrorCode {
    /** The bytes are not an image in a known format. */
    NOT_AN_IMAGE(415),
    /** A known image format without a decoder here (HEIC, PDF, SVG...). */
    UNSUPPORTED_FORMAT(415),
    /** A damaged or truncated image. */
    DAMAGED(422),
    /** An image with no ink to recognise. */
    EMPTY(422),
    /** An image read as one number that holds several rows of writing. */
    SEVERAL_ROWS(422),
    /** A path that is not a regular file; the server reads no files, but the library's kind has its code. */
    NOT_A_FILE(400),
    /** A request body, or one image in it, over the byte limit. */
    TOO_MANY_BYTES(413),
    /** An image declaring more pixels than the limit. */
    TOO_MANY_PIXELS(413),
    /** A multipart request with more images than the limit. */
    TOO_MANY_FILES(413),
    /** A request that carries no image at all: an empty body, or a multipart form without a file. */
    NO_IMAGE(400),
    /**
     * A request the server cannot parse: a broken multipart body, a bad query parameter, or a request that is not
     * valid HTTP/1.1 (a malformed request line or header, a negative or doubled {@code Content-Length}...).
     */
    BAD_REQUEST(400),
    /**
     * Every worker is busy and the queue is full, or {@link ServerConfig#maxUploads()} bodies are already being read;
     * try again after {@code Retry-After} seconds.
     */
    SERVER_BUSY(503),
    /** The model is still loading (try again after {@code Retry-After}), or failed to load. */
    MODEL_NOT_LOADED(503),
    /**
     * A request that arrived too slowly: nothing for {@link ServerConfig#idleTimeout()}, or a body under
     * {@link ServerConfig#minRequestDataRate()}, or not complete within {@link ServerConfig#bodyTimeout()}; the
     * connection is closed after the answer.
     */
    REQUEST_TIMEOUT(408),
    /** A request line (method, path and query) over the server's limit of {@link MnistServer#REQUEST_HEAD_BYTES}. */
    URI_TOO_LONG(414),
    /** Request headers over the server's limit of {@link MnistServer#REQUEST_HEAD_BYTES}. */
    HEADERS_TOO_LARGE(431),
    /** No such endpoint. */
    NOT_FOUND(404),
    /** The endpoint exists, but not for this method. */
    METHOD_NOT_ALLOWED(405),
    /** A fault of the server; its log has the details. */
    INTERNAL_ERROR(500);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    /** The HTTP status this error is answered with. */
    public int status() {
        return status;
    }

    /** The stable lower-case code, as in the JSON {@code error} field: {@code not_an_image}, {@code server_busy}... */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The code for what the library found wrong with an image: the same word. */
    public static ErrorCode of(InvalidImageException.Kind kind) {
        return valueOf(kind.name());
    }
}
