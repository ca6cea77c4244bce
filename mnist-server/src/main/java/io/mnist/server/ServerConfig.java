package io.mnist.server;

import io.mnist.api.image.ImageLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * How the server listens and what it accepts. Safe by default: it binds to the loopback address only, answers no
 * other origin's scripts (no CORS) and refuses large requests before reading them.
 *
 * <table>
 *   <caption>Settings and their defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>past it</th></tr>
 *   <tr><td>{@link #host()}</td><td>{@code 127.0.0.1}</td><td>-</td></tr>
 *   <tr><td>{@link #port()}</td><td>8080 (0 picks a free port)</td><td>-</td></tr>
 *   <tr><td>{@link #maxBodyBytes()}</td><td>10 MiB a request</td><td>413 {@code too_many_bytes}</td></tr>
 *   <tr><td>{@link #maxPixels()}</td><td>40 megapixels an image (as its header declares)</td>
 *       <td>413 {@code too_many_pixels}</td></tr>
 *   <tr><td>{@link #maxFiles()}</td><td>64 images a request</td><td>413 {@code too_many_files}</td></tr>
 *   <tr><td>{@link #workers()}</td><td>one per core: requests recognised at once, each prediction on
 *       {@code cores / workers} engine threads (one by default)</td><td>they wait in the queue</td></tr>
 *   <tr><td>{@link #queue()}</td><td>64 requests waiting for a worker</td>
 *       <td>503 {@code server_busy} with {@code Retry-After}</td></tr>
 *   <tr><td>{@link #corsOrigin()}</td><td>none: no CORS headers</td><td>-</td></tr>
 *   <tr><td>{@link #shutdownGrace()}</td><td>30 s for requests in flight to finish on stop</td><td>they are cut</td></tr>
 *   <tr><td>{@link #idleTimeout()}</td><td>5 s without a byte from the client: waiting for a request's headers, for
 *       the next byte of its body, or for the next request on a kept-alive connection</td>
 *       <td>the connection is closed (mid-body: 408 {@code request_timeout} first)</td></tr>
 *   <tr><td>{@link #headerTimeout()}</td><td>10 s for a request's headers to be complete, from the connection's
 *       opening or its previous answer</td><td>the connection is closed</td></tr>
 *   <tr><td>{@link #minRequestDataRate()}</td><td>1024 bytes/s for a request's body, averaged from its first byte
 *       (checked at each read)</td><td>408 {@code request_timeout}, and the connection is closed</td></tr>
 *   <tr><td>{@link #maxUploads()}</td><td>64 request bodies being read at once</td>
 *       <td>503 {@code server_busy} with {@code Retry-After}, before the body is read</td></tr>
 *   <tr><td>{@link #bodyTimeout()}</td><td>60 s for a request's whole body to arrive, however fast it trickles</td>
 *       <td>408 {@code request_timeout}, and the connection is closed</td></tr>
 *   <tr><td>request line; headers (fixed)</td><td>8 KiB each</td><td>414 {@code uri_too_long};
 *       431 {@code headers_too_large}</td></tr>
 * </table>
 *
 * <p>The timeouts and the rate bound slow and stalled clients: a request's body is read before the request takes a
 * place among {@link #workers()} and {@link #queue()}, so a client that stops sending holds a connection and a thread
 * of the HTTP server for at most {@link #idleTimeout()}, never a place of the queue; one that trickles its headers or
 * its body (a byte now and then, to dodge the idle timeout) is dropped by the header timeout or the data rate. A phone on a poor link (10 KB/s and
 * up) is far above the rate. Bodies just above the rate are bounded twice: at most {@link #maxUploads()} are read at
 * once (more are refused with 503 at once, holding no thread), and each for at most {@link #bodyTimeout()}; so slow
 * uploaders can at worst make new uploads wait, never keep the server from answering its health, model, metrics
 * and page requests.
 *
 * @param host          the address to bind to; {@code 0.0.0.0} for every interface
 * @param port          the TCP port, 0..65535 (0: any free port, see {@link MnistServer#port()})
 * @param maxBodyBytes  the most bytes a request body may hold (also the limit of one image), at least 1
 * @param maxPixels     the most pixels (width x height) an image may declare, at least 1
 * @param maxFiles      the most images one multipart request may carry, at least 1
 * @param workers       how many requests are recognised at once, at least 1
 * @param queue         how many more requests may wait for a worker before the server answers busy, at least 0
 * @param corsOrigin    the one other origin whose scripts may call the API (e.g. {@code https://example.org}), or
 *                      {@code null} for none
 * @param shutdownGrace how long {@link MnistServer#close()} waits for requests in flight
 * @param idleTimeout   how long a connection may go without a byte from the client (whole milliseconds, at least
 *                      1 ms) before the server closes it
 * @param headerTimeout how long a request's headers may take to be complete, from the connection's opening or its
 *                      previous answer (whole milliseconds, at least 1 ms); it also bounds how long a kept-alive
 *                      connection waits for its next request
 * @param minRequestDataRate the slowest a request body may arrive, in bytes per second averaged from its first
 *                      byte; 0 for no minimum
 * @param maxUploads    how many request bodies may be read at once, at least 1; one more is answered 503
 *                      {@code server_busy} with {@code Retry-After} before its body is read
 * @param bodyTimeout   how long one request body may take to arrive in full, from the start of its reading (whole
 *                      milliseconds, at least 1 ms); past it 408 {@code request_timeout}
 */
public record ServerConfig(String host, int port, long maxBodyBytes, long maxPixels, int maxFiles, int workers,
                           int queue, String corsOrigin, Duration shutdownGrace, Duration idleTimeout,
                           Duration headerTimeout, long minRequestDataRate, int maxUploads,
                           Duration bodyTimeout) {
    /** Loopback only: nothing outside this machine can connect unless {@code host} says so. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** 10 MiB a request. */
    public static final long DEFAULT_MAX_BODY_BYTES = 10L << 20;
    /** 40 megapixels an image. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** 64 images a request. */
    public static final int DEFAULT_MAX_FILES = 64;
    /** 64 requests waiting. */
    public static final int DEFAULT_QUEUE = 64;
    /**
     * 5 s without a byte: long enough for a client's network to lose and resend a packet several times, short enough
     * that stalled connections cannot pile up for long (Jetty's own default is 30 s).
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * 10 s for a request's headers: they are at most 8 KiB, which any client sends at once; twice the idle timeout, so
     * that a kept-alive connection silent for less than the idle timeout still has time for its next request.
     */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /**
     * 1024 bytes/s, a fiftieth of a slow 50 KB/s link: a 10 MiB body may take up to about 3 hours, a few KB digit
     * photo a few seconds; a client that sends less is holding the connection open, not uploading.
     */
    public static final long DEFAULT_MIN_REQUEST_DATA_RATE = 1024;
    /**
     * 64 bodies read at once: as many as the default queue, so that a burst of ordinary uploads fills the queue before
     * this bound refuses any; far under the HTTP server's threads (which are sized above this bound plus the work
     * queue, so that slow uploads can never take the threads the health, model, metrics and page requests need); and
     * a fixed number, not one per core, because a body being read costs a thread and memory (up to
     * {@link #maxBodyBytes()}), not processor time.
     */
    public static final int DEFAULT_MAX_UPLOADS = 64;
    /**
     * 60 s for a whole body: at the minimum rate a 10 MiB body could take 3 hours, holding one of
     * {@link #DEFAULT_MAX_UPLOADS} places all that time; at a poor 50 KB/s a 3 MB photo still arrives in 60 s, and a
     * digit image (a few KB) in well under a second.
     */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);

    /** @throws IllegalArgumentException if a setting is outside its range */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (host.isBlank()) {
            throw new IllegalArgumentException("The host to bind to is blank; give an address such as 127.0.0.1");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("The port must be 0..65535 (0 for any free port), got " + port);
        }
        if (maxBodyBytes < 1 || maxPixels < 1 || maxFiles < 1 || workers < 1 || queue < 0) {
            throw new IllegalArgumentException("Limits must be at least 1 (the queue at least 0): max body bytes "
                    + maxBodyBytes + ", max pixels " + maxPixels + ", max files " + maxFiles + ", workers " + workers
                    + ", queue " + queue);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("The shutdown grace cannot be negative, got " + shutdownGrace);
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("The idle timeout must be at least 1 ms, got " + idleTimeout);
        }
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        if (headerTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("The header timeout must be at least 1 ms, got " + headerTimeout);
        }
        if (minRequestDataRate < 0) {
            throw new IllegalArgumentException("The minimum request data rate must be at least 0 bytes/s (0: none),"
                    + " got " + minRequestDataRate);
        }
        if (maxUploads < 1) {
            throw new IllegalArgumentException("The most uploads read at once must be at least 1, got " + maxUploads);
        }
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        if (bodyTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("The body timeout must be at least 1 ms, got " + bodyTimeout);
        }
        corsOrigin = corsOrigin == null || corsOrigin.isBlank() ? null : corsOrigin.strip();
    }

    /** The defaults in the table above. */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_PIXELS,
                DEFAULT_MAX_FILES, Runtime.getRuntime().availableProcessors(), DEFAULT_QUEUE, null,
                Duration.ofSeconds(30), DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT,
                DEFAULT_MIN_REQUEST_DATA_RATE, DEFAULT_MAX_UPLOADS, DEFAULT_BODY_TIMEOUT);
    }

    /** These settings listening on {@code host}:{@code port}. */
    public ServerConfig withAddress(String host, int port) {
        return new ServerConfig(host, port, maxBodyBytes, maxPixels, maxFiles, workers, queue, corsOrigin,
                shutdownGrace, idleTimeout, headerTimeout, minRequestDataRate, maxUploads, bodyTimeout);
    }

    /** These settings with other request limits. */
    public ServerConfig withLimits(long maxBodyBytes, long maxPixels, int maxFiles) {
        return new ServerConfig(host, port, maxBodyBytes, maxPixels, maxFiles, workers, queue, corsOrigin,
                shutdownGrace, idleTimeout, headerTimeout, minRequestDataRate, maxUploads, bodyTimeout);
    }

    /** These settings with {@code workers} recognising at once and {@code queue} more waiting. */
    public ServerConfig withWork(int workers, int queue) {
        return new ServerConfig(host, port, maxBodyBytes, maxPixels, maxFiles, workers, queue, corsOrigin,
                shutdownGrace, idleTimeout, headerTimeout, minRequestDataRate, maxUploads, bodyTimeout);
    }

    /** These settings letting scripts of {@code origin} call the API ({@code null}: none). */
    public ServerConfig withCorsOrigin(String origin) {
        return new ServerConfig(host, port, maxBodyBytes, maxPixels, maxFiles, workers, queue, origin,
                shutdownGrace, idleTimeout, headerTimeout, minRequestDataRate, maxUploads, bodyTimeout);
    }

    /** These settings with another grace period for requests in flight on stop. */
    public ServerConfig withShutdownGrace(Duration grace) {
        return new ServerConfig(host, port, maxBodyBytes, maxPixels, maxFiles, workers, queue, corsOrigin, grace,
                idleTimeout, headerTimeout, minRequestDataRate, maxUploads, bodyTimeout);
    }

    /**
     * These settings with other bounds on slow clients.
     *
     * @param idleTimeout        how long a connection may go without a byte from the client (at least 1 ms)
     * @param headerTimeout      how long a request's headers may take, from the connection's opening or its
     *                           previous answer (at least 1 ms)
     * @param minRequestDataRate the slowest a body may arrive, in bytes per second (0: no minimum)
     * @throws IllegalArgumentException if one is outside its range
     */
    public ServerConfig withSlowClientLimits(Duration idleTimeout, Duration headerTimeout, long minRequestDataRate) {
        return new ServerConfig(host, port, maxBodyBytes, maxPixels, maxFiles, workers, queue, corsOrigin,
                shutdownGrace, idleTimeout, headerTimeout, minRequestDataRate, maxUploads, bodyTimeout);
    }

    /**
     * These settings with other bounds on uploads being read.
     *
     * @param maxUploads  how many request bodies may be read at once (at least 1); more are answered 503
     *                    {@code server_busy} at once
     * @param bodyTimeout how long one request body may take to arrive in full, from the start of its reading (at
     *                    least 1 ms); past it 408 {@code request_timeout}
     * @throws IllegalArgumentException if one is outside its range
     */
    public ServerConfig withUploadLimits(int maxUploads, Duration bodyTimeout) {
        return new ServerConfig(host, port, maxBodyBytes, maxPixels, maxFiles, workers, queue, corsOrigin,
                shutdownGrace, idleTimeout, headerTimeout, minRequestDataRate, maxUploads, bodyTimeout);
    }

    /**
     * The decoder's limits: one image may fill the whole body and declare up to {@link #maxPixels()}; larger images
     * than the decoder's default budget are decoded subsampled, as everywhere in the library.
     */
    public ImageLimits imageLimits() {
        return new ImageLimits(maxBodyBytes, maxPixels, Math.min(ImageLimits.DEFAULT_DECODE_PIXELS, maxPixels));
    }
}
