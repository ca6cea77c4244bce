package io.mnist.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import io.mnist.api.DigitClassifier;
import io.mnist.api.InvalidImageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service and the draw-a-digit page, on Javalin (Jetty 12): one small handler per endpoint, and every
 * failure turned into a JSON error with a stable code in one place ({@link #error}).
 *
 * <pre>{@code
 * try (MnistServer server = MnistServer.start(ServerConfig.defaults(), DigitClassifiers::pretrained)) {
 *     server.awaitModel();      // listening already; ready once the model is loaded
 *     server.join();            // until close() (for example from a shutdown hook on SIGTERM)
 * }
 * }</pre>
 *
 * <p>Endpoints ({@link #routes()}; described in {@code /api/v1/openapi.json}): {@code POST /api/v1/digits},
 * {@code POST /api/v1/numbers}, {@code GET /api/v1/model}, {@code GET /health/live}, {@code GET /health/ready},
 * {@code GET /metrics}, and the page at {@code /}. Requests never name files: the server reads nothing from disk
 * but its own jar, and keeps uploads in memory.
 */
public final class MnistServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MnistServer.class);
    private static final String JSON = "application/json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The page's own files only: no script, style, font or image from another host, no framing. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:;"
            + " style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
            + " form-action 'none'; frame-ancestors 'none'";
    private static final String ROUTE_ATTRIBUTE = "mnist.route";
    /**
     * The most bytes a request line may take (8 KiB, Jetty's default, set here so that the messages can name it), and
     * separately its headers: past it 414 {@code uri_too_long} or 431 {@code headers_too_large}.
     */
    public static final int REQUEST_HEAD_BYTES = 8192;
    /** The most characters of the client's own input (a method, a path, a reason) that a message quotes. */
    private static final int ECHO_CHARS = 64;

    /** An endpoint: method and path template. */
    public record Route(String method, String path) {
    }

    private static final List<Route> ROUTES = List.of(
            new Route("GET", "/"),
            new Route("GET", "/app.js"),
            new Route("GET", "/app.css"),
            new Route("POST", "/api/v1/digits"),
            new Route("POST", "/api/v1/numbers"),
            new Route("GET", "/api/v1/model"),
            new Route("GET", "/api/v1/openapi.json"),
            new Route("GET", "/health/live"),
            new Route("GET", "/health/ready"),
            new Route("GET", "/metrics"));

    private final ServerConfig config;
    private final ModelHolder model;
    private final WorkQueue work;
    /** Places for request bodies being read at once ({@link ServerConfig#maxUploads()}). */
    private final Semaphore uploads;
    private final Recognizer recognizer;
    private final ServerMetrics metrics;
    private final ObjectMapper json;
    private final StaticFiles files;
    private final Javalin app;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private MnistServer(ServerConfig config, Callable<DigitClassifier> loader) {
        this.config = Objects.requireNonNull(config, "config");
        this.work = new WorkQueue(config.workers(), config.queue());
        this.uploads = new Semaphore(config.maxUploads());
        this.recognizer = new Recognizer(config.imageLimits());
        this.json = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
        this.files = StaticFiles.load();
        this.model = ModelHolder.load(Objects.requireNonNull(loader, "loader"), threadsPerCall(config));
        this.metrics = new ServerMetrics(work::inFlight, model::ready);
        this.app = Javalin.create(this::configure);
    }

    /**
     * Starts listening at once and loads the model with {@code loader} on a thread of its own; until it is loaded
     * the recognition endpoints answer 503 {@code model_not_loaded} and {@code /health/ready} says so.
     *
     * @throws io.javalin.util.JavalinBindException if the port is taken or cannot be bound
     */
    public static MnistServer start(ServerConfig config, Callable<DigitClassifier> loader) {
        MnistServer server = new MnistServer(config, loader);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.model.close();
            throw e;
        }
        return server;
    }

    /**
     * The engine threads one prediction may compute on: the cores shared among the workers, so that the workers
     * (one per core by default) do not also wake the engine's thread pool for every operation, adding threads that
     * compete for the same cores (BENCHMARKS.md, "The HTTP service under load").
     */
    static int threadsPerCall(ServerConfig config) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / config.workers());
    }

    /** Every endpoint the server answers, in the order of {@code openapi.json}. */
    public static List<Route> routes() {
        return ROUTES;
    }

    /** The port the server listens on (the one picked when the configured port was 0). */
    public int port() {
        return app.port();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Whether the model is loaded. */
    public boolean ready() {
        return model.ready();
    }

    /**
     * Waits until the model is loaded and returns it (the server keeps owning it).
     *
     * @throws ExecutionException with the loader's exception as its cause if loading failed
     */
    public DigitClassifier awaitModel() throws InterruptedException, ExecutionException {
        return model.await();
    }

    /**
     * Closes this server gracefully when the JVM is asked to stop (SIGTERM, Ctrl-C, {@code System.exit}): the
     * requests in flight are answered first.
     *
     * @return this server
     */
    public MnistServer closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "mnist-server-shutdown"));
        return this;
    }

    /** Blocks until the server has been closed. */
    public void join() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops gracefully: no new connections, the requests in flight are answered (for up to
     * {@link ServerConfig#shutdownGrace()}), then the model is freed. Idempotent; safe from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            app.stop();
            work.drain(config.shutdownGrace().toSeconds());
        } catch (RuntimeException e) {
            LOG.warn("[mnist] The server did not stop cleanly: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            work.close();
            model.close();
            stopped.countDown();
        }
    }

    private void configure(JavalinConfig c) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.startup.startupWatcherEnabled = false;
        // The one connector, with the address. Slow clients: a connection without a byte for the idle timeout is
        // closed (Jetty's default waits 30 s), as is one whose request headers are not complete in time, and a body
        // arriving slower than the minimum rate is cut off (Jetty has no minimum by default; see the HTTP
        // configuration below).
        // Threads: a body being read holds one (at most maxUploads of them), as does a request waiting for its turn in
        // the work queue (at most workers + queue); the pool has 100 more than both, so slow uploads can never take
        // the threads that the health, model, metrics and page requests are answered on.
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(250, config.maxUploads() + config.workers()
                + config.queue() + 100), 8, 60_000);
        threads.setName("mnist-http");
        c.jetty.threadPool = threads;
        c.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(config.host());
            connector.setPort(config.port());
            connector.setIdleTimeout(config.idleTimeout().toMillis());
            HeaderDeadline headers = new HeaderDeadline(config.headerTimeout(), connector::getScheduler);
            connector.addBean(headers);     // told of each connection
            server.insertHandler(headers);  // told of each request begun and answered
            return connector;
        });
        c.http.maxRequestSize = config.maxBodyBytes();
        c.http.prefer405over404 = true;
        // Uploads stay in memory (no temporary files): the body limit bounds them.
        long limit = config.maxBodyBytes();
        c.jetty.multipartConfig.maxTotalRequestSize(limit, SizeUnit.BYTES);
        c.jetty.multipartConfig.maxFileSize(limit, SizeUnit.BYTES);
        c.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(Integer.MAX_VALUE, limit + 1), SizeUnit.BYTES);
        c.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(REQUEST_HEAD_BYTES);
            http.setMinRequestDataRate(config.minRequestDataRate());
        });
        c.jetty.modifyServer(server -> {
            // Jetty waits for requests in flight on stop only with a stop timeout and a graceful handler.
            server.setStopTimeout(config.shutdownGrace().toMillis());
            server.insertHandler(new GracefulHandler());
            // What fails before Javalin's handlers (Jetty's parser) is answered by the server's error handler.
            server.setErrorHandler(new JsonErrorHandler());
        });
        if (config.corsOrigin() != null) {
            c.bundledPlugins.enableCors(cors -> cors.addRule(rule -> rule.allowHost(config.corsOrigin())));
        }
        c.requestLogger.http((ctx, millis) -> {
            String route = ctx.attribute(ROUTE_ATTRIBUTE);
            metrics.request(ctx.method().name(), route == null ? "unmatched" : route, ctx.statusCode(), millis);
        });

        c.routes.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("Cache-Control", "no-store");
        });
        route(c, "GET", "/", ctx -> page(ctx, "index.html", "text/html; charset=utf-8"));
        route(c, "GET", "/app.js", ctx -> page(ctx, "app.js", "text/javascript; charset=utf-8"));
        route(c, "GET", "/app.css", ctx -> page(ctx, "app.css", "text/css; charset=utf-8"));
        route(c, "POST", "/api/v1/digits", this::digits);
        route(c, "POST", "/api/v1/numbers", this::numbers);
        route(c, "GET", "/api/v1/model", ctx -> send(ctx, 200, ModelDescription.of(model.require().info(), json)));
        route(c, "GET", "/api/v1/openapi.json", ctx -> ctx.contentType(JSON).result(files.get("openapi.json")));
        route(c, "GET", "/health/live", ctx -> send(ctx, 200, new Answers.Health("up", null, null, null)));
        route(c, "GET", "/health/ready", this::ready);
        route(c, "GET", "/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()));

        c.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.code(), e.getMessage(), e.retryAfterSeconds()));
        c.routes.exception(InvalidImageException.class,
                (e, ctx) -> error(ctx, ErrorCode.of(e.kind()), e.getMessage(), 0));
        // Javalin's own answers: no such route, no such method, a body over its limit.
        c.routes.exception(HttpResponseException.class, (e, ctx) -> {
            switch (e.getStatus()) {
                case 404 -> error(ctx, ErrorCode.NOT_FOUND, "No endpoint at " + echo(ctx.path()) + "; the API is described"
                        + " at /api/v1/openapi.json", 0);
                case 405 -> error(ctx, ErrorCode.METHOD_NOT_ALLOWED, echo(ctx.method().name()) + " is not"
                        + " answered at " + echo(ctx.path()) + "; see /api/v1/openapi.json for the methods of each endpoint", 0);
                case 413 -> error(ctx, ErrorCode.TOO_MANY_BYTES, tooManyBytes(), 0);
                default -> error(ctx, ErrorCode.BAD_REQUEST, "The request cannot be read (" + echo(e.getMessage())
                        + "); see /api/v1/openapi.json for what each endpoint takes", 0);
            }
        });
        c.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("[mnist] {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, ErrorCode.INTERNAL_ERROR, "The server failed (" + e.getClass().getSimpleName()
                    + "); its log has the details. Please report it with the request that caused it", 0);
        });
    }

    /**
     * Jetty's own errors as the API's JSON: those found before any handler runs (a malformed request line or header,
     * a negative {@code Content-Length}, a request line or headers over {@link #REQUEST_HEAD_BYTES}...) and any a
     * handler leaves to Jetty. Jetty's page was HTML whatever the client asked for.
     */
    private final class JsonErrorHandler extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            String reason = request.getAttribute(ERROR_MESSAGE) instanceof String s ? s : null;
            if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException e) {
                status = e.getCode();
                reason = e.getReason();
            }
            if (request.getAttribute(ERROR_EXCEPTION) instanceof Throwable t && tooLargeANumber(t)) {
                reason = "a Content-Length over 19 digits: too large a number";
            }
            if (reason == null || reason.isBlank() || reason.equals(HttpStatus.getMessage(status))) {
                reason = null;   // Jetty's bare status text ('Bad Request') says nothing more than the status
            }
            Answers.Error error = jettyError(status, reason);
            ErrorCode code = ErrorCode.valueOf(error.error().toUpperCase(Locale.ROOT));
            metrics.error(code);
            response.setStatus(error.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            if (code == ErrorCode.SERVER_BUSY) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(WorkQueue.RETRY_AFTER_SECONDS));
            }
            try {
                response.write(true, ByteBuffer.wrap(json.writeValueAsBytes(error)), callback);
            } catch (JsonProcessingException e) {
                callback.failed(e);
            }
            return true;
        }
    }

    /** The API's error for a status Jetty chose, with Jetty's reason ({@code Invalid Content-Length Value}...). */
    private Answers.Error jettyError(int status, String reason) {
        String why = reason == null ? "" : " (" + echo(reason) + ")";
        return switch (status) {
            case 404 -> error(ErrorCode.NOT_FOUND, "No endpoint at this path" + why + "; the API is described at"
                    + " /api/v1/openapi.json");
            case 405 -> error(ErrorCode.METHOD_NOT_ALLOWED, "The method is not answered here" + why + "; see"
                    + " /api/v1/openapi.json for the methods of each endpoint");
            case 408 -> error(ErrorCode.REQUEST_TIMEOUT, tooSlow() + why);
            case 413 -> error(ErrorCode.TOO_MANY_BYTES, tooManyBytes());
            case 414 -> error(ErrorCode.URI_TOO_LONG, "The request line (method, path and query) is over the limit of "
                    + REQUEST_HEAD_BYTES + " bytes" + why + "; send the image as the request body, not in the URL");
            case 431 -> error(ErrorCode.HEADERS_TOO_LARGE, "The request's headers are over the limit of "
                    + REQUEST_HEAD_BYTES + " bytes" + why + "; send fewer or shorter headers (large cookies for this"
                    + " host?)");
            case 503 -> error(ErrorCode.SERVER_BUSY, "The server cannot take the request now" + why + ": it is"
                    + " stopping or overloaded. Try again in " + WorkQueue.RETRY_AFTER_SECONDS + " s");
            case 500 -> error(ErrorCode.INTERNAL_ERROR, "The server failed" + why + "; its log may have the"
                    + " details. Please report it with the request that caused it");
            // Anything else Jetty refuses (a malformed request, an unknown transfer coding or HTTP version, an
            // expectation it does not meet) is the request's fault: 400.
            default -> error(ErrorCode.BAD_REQUEST, "The request is not valid HTTP/1.1" + why + "; send a"
                    + " well-formed request: 'METHOD /path HTTP/1.1' with %XX escapes only, one Host header, headers"
                    + " as 'Name: value' lines, and a body of one Content-Length of 0 or more bytes or chunked");
        };
    }

    /** Whether Jetty refused a header's number as unreadable: a 20-digit Content-Length overflows a long. */
    private static boolean tooLargeANumber(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NumberFormatException || t instanceof ArithmeticException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the client sent, quoted in a message: cut to {@value #ECHO_CHARS} characters, so that a 5,000-character
     * method or path is not sent back in full.
     */
    static String echo(String text) {
        if (text == null || text.length() <= ECHO_CHARS) {
            return text;
        }
        return text.substring(0, ECHO_CHARS) + "... (" + text.length() + " characters)";
    }

    private static Answers.Error error(ErrorCode code, String message) {
        return new Answers.Error(code.code(), message, code.status());
    }

    private static void route(JavalinConfig c, String method, String path, Handler handler) {
        if (!ROUTES.contains(new Route(method, path))) {
            throw new IllegalStateException(method + " " + path + " is not in MnistServer.ROUTES (nor, then, in"
                    + " openapi.json); add it to both");
        }
        Handler labelled = ctx -> {
            ctx.attribute(ROUTE_ATTRIBUTE, path);
            handler.handle(ctx);
        };
        c.routes.addHttpHandler(HandlerType.findOrCreate(method), path, labelled);
        if (method.equals("GET")) {
            // HEAD runs the GET handler (Jetty sends its status and headers, not its body); left to Javalin it was
            // a bare 200 text/plain that said nothing of what GET answers.
            c.routes.addHttpHandler(HandlerType.HEAD, path, labelled);
        }
    }

    /**
     * One image or a multipart form of them, each read as a digit. Like {@link #numbers}, it reads the body before
     * the request takes a place in the work queue: a client that sends slowly or stalls holds only its own connection
     * and thread and one of the places for bodies being read (for at most the idle timeout or the body timeout, or
     * until under the minimum data rate), never a place that other callers need ({@link #readBody}). A full queue is still refused before the body is read ({@link WorkQueue#ensureRoom()}).
     */
    private void digits(Context ctx) throws Exception {
        boolean withInput = flag(ctx, "input");
        DigitClassifier clf = model.require();
        work.ensureRoom();
        if (ctx.isMultipartFormData()) {
            List<Recognizer.Upload> uploads = readBody(ctx, () -> uploads(ctx));
            try (WorkQueue.Ticket ticket = work.admit()) {
                List<Answers.FileDigit> results = ticket.run(() -> recognizer.digits(clf, uploads, withInput));
                long failed = results.stream().filter(r -> r.error() != null).count();
                results.stream().filter(r -> r.error() != null).forEach(r -> metrics.error(code(r.error())));
                metrics.predicted("digits", (int) (results.size() - failed));
                send(ctx, 200, new Answers.Results<>(results, (int) failed));
            }
        } else {
            byte[] body = readBody(ctx, () -> body(ctx));
            try (WorkQueue.Ticket ticket = work.admit()) {
                Answers.Digit answer = ticket.run(() -> recognizer.digit(clf, body, withInput));
                metrics.predicted("digits", 1);
                send(ctx, 200, answer);
            }
        }
    }

    private void numbers(Context ctx) throws Exception {
        DigitClassifier clf = model.require();
        work.ensureRoom();
        if (ctx.isMultipartFormData()) {
            List<Recognizer.Upload> uploads = readBody(ctx, () -> uploads(ctx));
            try (WorkQueue.Ticket ticket = work.admit()) {
                List<Answers.FileNumber> results = ticket.run(() -> recognizer.numbers(clf, uploads));
                long failed = results.stream().filter(r -> r.error() != null).count();
                results.stream().filter(r -> r.error() != null).forEach(r -> metrics.error(code(r.error())));
                metrics.predicted("numbers", (int) (results.size() - failed));
                send(ctx, 200, new Answers.Results<>(results, (int) failed));
            }
        } else {
            byte[] body = readBody(ctx, () -> body(ctx));
            try (WorkQueue.Ticket ticket = work.admit()) {
                Answers.Number answer = ticket.run(() -> recognizer.number(clf, body));
                metrics.predicted("numbers", 1);
                send(ctx, 200, answer);
            }
        }
    }

    private void ready(Context ctx) {
        if (model.ready()) {
            send(ctx, 200, new Answers.Health("ready", model.require().info().backend(), null, null));
            return;
        }
        try {
            model.require();
        } catch (ApiException e) {
            if (e.retryAfterSeconds() > 0) {
                ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
            }
            send(ctx, 503, new Answers.Health(model.failure() == null ? "loading" : "failed", null, e.code().code(),
                    e.getMessage()));
        }
    }

    /**
     * Reads a body in one of the {@link ServerConfig#maxUploads()} places for bodies being read, and within
     * {@link ServerConfig#bodyTimeout()}: with every place taken the request is refused at once (503
     * {@code server_busy}, the body unread), so that slow senders can make new uploads wait but never take every
     * thread of the server; and a body still arriving at the deadline is cut off (408 {@code request_timeout}).
     * The deadline shortens the connection's idle timeout to Jetty's minimum, so that the read blocked on the
     * client fails as it does for a stalled client; it is restored for the answer.
     */
    private <T> T readBody(Context ctx, Callable<T> read) throws Exception {
        if (!uploads.tryAcquire()) {
            throw new ApiException(ErrorCode.SERVER_BUSY, "The server is busy: it is already reading "
                    + config.maxUploads() + " uploads, the most it reads at once. Try again in "
                    + WorkQueue.RETRY_AFTER_SECONDS + " s, or start the server with a larger --max-uploads",
                    WorkQueue.RETRY_AFTER_SECONDS);
        }
        Request request = ServletContextRequest.getServletContextRequest(ctx.req());
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        AtomicBoolean late = new AtomicBoolean();
        Scheduler.Task deadline = request.getComponents().getScheduler().schedule(() -> {
            late.set(true);
            endPoint.setIdleTimeout(1);
        }, config.bodyTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            return read.call();
        } catch (ApiException e) {
            if (late.get() && e.code() != ErrorCode.TOO_MANY_BYTES) {
                throw new ApiException(ErrorCode.REQUEST_TIMEOUT, bodyTooLong());
            }
            throw e;
        } finally {
            deadline.cancel();
            if (late.get()) {
                endPoint.setIdleTimeout(config.idleTimeout().toMillis());
            }
            uploads.release();
        }
    }

    private String bodyTooLong() {
        return String.format(Locale.ROOT, "The request's body did not arrive in full within %.1f s, the most a body"
                + " may take; the connection is closed. Send a smaller image, or over a faster link, or start the"
                + " server with a larger --body-timeout", config.bodyTimeout().toMillis() / 1000.0);
    }

    /** The raw body: one image. Refused from its declared length when that is over the limit, before reading. */
    private byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > config.maxBodyBytes()) {
            throw new ApiException(ErrorCode.TOO_MANY_BYTES, tooManyBytes());
        }
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = readBounded(in, config.maxBodyBytes());
        } catch (IOException | HttpException.RuntimeException e) {   // Jetty's 408 for the data rate is the latter
            throw incompleteBody(ctx, e);
        }
        if (body.length == 0) {
            throw new ApiException(ErrorCode.NO_IMAGE, "The request has no body; send one image (PNG, JPEG, BMP,"
                    + " GIF, TIFF or WebP) as the body with its content type, or files as multipart/form-data");
        }
        return body;
    }

    /** The files of a multipart form, in order; fields that are not files are ignored. */
    private List<Recognizer.Upload> uploads(Context ctx) {
        if (ctx.req().getContentLengthLong() > config.maxBodyBytes()) {
            throw new ApiException(ErrorCode.TOO_MANY_BYTES, tooManyBytes());
        }
        List<UploadedFile> files;
        try {
            files = ctx.uploadedFiles();
        } catch (Exception e) {     // Jetty's parser throws ServletException for a body it cannot parse
            if (aPartHasNoName(ctx)) {  // Javalin failed on the part's null name
                throw new ApiException(ErrorCode.BAD_REQUEST, "A part of the multipart body has no"
                        + " Content-Disposition header with a name; each part needs one, such as"
                        + " 'Content-Disposition: form-data; name=\"file\"; filename=\"digit.png\"' (curl -F"
                        + " file=@digit.png writes it)");
            }
            throw multipartProblem(e);
        }
        if (files.isEmpty()) {
            throw new ApiException(ErrorCode.NO_IMAGE, "The multipart form holds no file; add the images as file"
                    + " parts (curl -F file=@digit.png)");
        }
        if (files.size() > config.maxFiles()) {
            throw new ApiException(ErrorCode.TOO_MANY_FILES, "The request holds " + files.size() + " files, over the"
                    + " limit of " + config.maxFiles() + "; send them in several requests, or start the server with"
                    + " a larger --max-files");
        }
        List<Recognizer.Upload> uploads = new ArrayList<>(files.size());
        for (UploadedFile f : files) {
            try (InputStream in = f.content()) {
                uploads.add(new Recognizer.Upload(f.filename(), in.readAllBytes()));
            } catch (IOException e) {
                throw incompleteBody(ctx, e);
            }
        }
        return uploads;
    }

    /** Whether the multipart body was parsed and one of its parts has no name (no Content-Disposition). */
    private static boolean aPartHasNoName(Context ctx) {
        try {
            for (jakarta.servlet.http.Part part : ctx.req().getParts()) {
                if (part.getName() == null) {
                    return true;
                }
            }
        } catch (Exception | LinkageError e) {
            // not parsed: another problem, told by multipartProblem
        }
        return false;
    }

    private RuntimeException multipartProblem(Exception e) {
        if (timedOut(e)) {
            return new ApiException(ErrorCode.REQUEST_TIMEOUT, tooSlow());
        }
        String reason = rootMessage(e).replaceFirst("^\\d{3}: ", "");
        String detail = reason.toLowerCase(Locale.ROOT);
        if (detail.contains("headers max length")) {
            // Jetty's limit on one part's headers (its Content-Disposition with the file name, and any others)
            java.util.regex.Matcher n = java.util.regex.Pattern.compile("(\\d+)").matcher(detail);
            String limit = n.find() ? " of " + n.group(1) + " bytes" : "";
            return new ApiException(ErrorCode.TOO_MANY_BYTES, "A part's headers (its Content-Disposition with the"
                    + " file name, and any other header lines of the part) are over the limit" + limit + "; use a"
                    + " shorter file name and send only the Content-Disposition and Content-Type of each part");
        }
        if (detail.contains("size") || detail.contains("too large") || detail.contains("exceed")) {
            return new ApiException(ErrorCode.TOO_MANY_BYTES, tooManyBytes());
        }
        if (detail.contains("parts") || detail.contains("keys")) {
            return new ApiException(ErrorCode.TOO_MANY_FILES, "The request holds too many parts; send at most "
                    + config.maxFiles() + " files a request");
        }
        return new ApiException(ErrorCode.BAD_REQUEST, "The multipart body is malformed: its boundaries or a part's"
                + " header lines cannot be read (" + echo(reason) + "); send the images as multipart/form-data file"
                + " parts, each 'Name: value' header line ending in CRLF and the parts separated by the boundary of"
                + " the Content-Type, or send one image as the raw body");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private String tooManyBytes() {
        return String.format(Locale.ROOT, "The request is over the limit of %.1f MiB (%d bytes); send a smaller"
                + " image (a digit needs far fewer pixels), or start the server with a larger --max-body",
                config.maxBodyBytes() / 1048576.0, config.maxBodyBytes());
    }

    /**
     * The body could not be read to its end: the client closed the connection early (400 {@code bad_request}), or
     * sent nothing for the idle timeout or less than the minimum data rate (408 {@code request_timeout}). The request
     * is broken, not the server (Jetty says so with an IOException, or a 408 {@link HttpException}).
     */
    private ApiException incompleteBody(Context ctx, Exception e) {
        LOG.debug("[mnist] request body incomplete", e);
        if (timedOut(e)) {
            return new ApiException(ErrorCode.REQUEST_TIMEOUT, tooSlow());
        }
        String encoding = ctx.req().getHeader("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ApiException(ErrorCode.BAD_REQUEST, "The request's chunked body is malformed or cut short: a"
                    + " chunk size that is not a hexadecimal number or is too large, a chunk extension that is too"
                    + " long, or the connection closed before the last (0) chunk. Send well-formed chunks ending with"
                    + " a 0 chunk, or send the body with a Content-Length instead");
        }
        return new ApiException(ErrorCode.BAD_REQUEST, "The request's body ended before its declared"
                + " Content-Length: the client closed the connection or stopped sending; send the whole image in one"
                + " request");
    }

    /** Whether Jetty gave up on the body for its slowness: the idle timeout, or 408 for the minimum data rate. */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || (t instanceof HttpException h && h.getCode() == 408)) {
                return true;
            }
        }
        return false;
    }

    private String tooSlow() {
        return String.format(Locale.ROOT, "The request arrived too slowly: nothing for %.1f s, or under %d bytes/s on"
                + " average; the connection is closed. Send the whole request at once, or start the server with a"
                + " larger --idle-timeout or a smaller --min-request-rate", config.idleTimeout().toMillis() / 1000.0,
                config.minRequestDataRate());
    }

    private static byte[] readBounded(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > max) {
                throw new ApiException(ErrorCode.TOO_MANY_BYTES, null);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static boolean flag(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.equals("false") || value.equals("0")) {
            return false;
        }
        if (value.isEmpty() || value.equals("true") || value.equals("1")) {
            return true;
        }
        throw new ApiException(ErrorCode.BAD_REQUEST, "The query parameter " + name + "=" + value + " is neither"
                + " true nor false");
    }

    private void page(Context ctx, String name, String contentType) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.contentType(contentType).result(files.get(name));
    }

    /** The one place where an error becomes a response: status, {@code Retry-After}, JSON body, metric. */
    private void error(Context ctx, ErrorCode code, String message, int retryAfterSeconds) {
        metrics.error(code);
        if (code == ErrorCode.TOO_MANY_BYTES) {
            drainRefusedBody(ctx);
        }
        if (code == ErrorCode.TOO_MANY_BYTES || code == ErrorCode.REQUEST_TIMEOUT || (ctx.method() == HandlerType.POST
                && (code == ErrorCode.SERVER_BUSY || code == ErrorCode.MODEL_NOT_LOADED))) {
            // Answered without reading the body: the connection cannot be reused, and the client must know it.
            ctx.header("Connection", "close");
        }
        if (retryAfterSeconds > 0) {
            ctx.header("Retry-After", Integer.toString(retryAfterSeconds));
        }
        String text = message != null ? message : code == ErrorCode.TOO_MANY_BYTES ? tooManyBytes() : code.code();
        send(ctx, code.status(), new Answers.Error(code.code(), text, code.status()));
    }

    /**
     * Reads and drops what is left of a refused body, up to 4 times the limit, so that a caller still sending it
     * receives the answer instead of a connection reset mid-request; a larger body is cut off unread.
     */
    private void drainRefusedBody(Context ctx) {
        long cap = 4 * config.maxBodyBytes();
        if (ctx.req().getContentLengthLong() > cap) {
            return;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while (total < cap && (n = in.read(buffer)) > 0) {
                total += n;
            }
        } catch (IOException | RuntimeException e) {
            // the caller went away, or the body was already consumed: nothing left to drain
        }
    }

    private void send(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(JSON).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the answer as JSON: " + e.getMessage(), e);
        }
    }

    private static ErrorCode code(String code) {
        return ErrorCode.valueOf(code.toUpperCase(Locale.ROOT));
    }

    /** The page, its script and style, and the OpenAPI description: read once from the jar. */
    private record StaticFiles(Map<String, byte[]> files) {
        static StaticFiles load() {
            Map<String, byte[]> m = new java.util.HashMap<>();
            for (String name : List.of("index.html", "app.js", "app.css", "openapi.json")) {
                String path = name.equals("openapi.json") ? "openapi.json" : "web/" + name;
                try (InputStream in = MnistServer.class.getResourceAsStream(path)) {
                    if (in == null) {
                        throw new IllegalStateException("The server's resource " + path + " is missing from its jar");
                    }
                    m.put(name, in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new StaticFiles(Map.copyOf(m));
        }

        byte[] get(String name) {
            return files.get(name);
        }
    }
}
