package io.mnist.cli;

import io.javalin.util.JavalinBindException;
import io.mnist.api.DigitClassifier;
import io.mnist.server.MnistServer;
import io.mnist.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnist serve}: the HTTP API and the draw-a-digit page ({@link MnistServer}) on the chosen backend, until
 * stopped (Ctrl-C or SIGTERM, which let the requests in flight finish).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the HTTP API (/api/v1/digits, /api/v1/numbers, /api/v1/model, /health/live,"
                + " /health/ready, /metrics, /api/v1/openapi.json) and the draw-a-digit page at /.",
                "Listens on 127.0.0.1 only unless --host says otherwise. Stop with Ctrl-C or SIGTERM: requests in"
                        + " flight are answered first."})
final class ServeCommand extends Subcommand {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kKmMgG]?)(?:i?[bB])?");

    /** The server's defaults: each option's default is taken from here, so that they are written once. */
    private static final ServerConfig DEFAULTS = ServerConfig.defaults();

    @Option(names = "--port", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = DEFAULTS.port();
    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on; 0.0.0.0 for every"
            + " interface (default: ${DEFAULT-VALUE}, this machine only).")
    String host = DEFAULTS.host();
    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: the backend's bundled"
            + " model).")
    Path model;
    @Option(names = "--cors", paramLabel = "ORIGIN", description = "Let scripts of this one origin call the API, e.g."
            + " https://example.org (default: none).")
    String cors;
    @Option(names = "--max-body", paramLabel = "SIZE", description = "Largest request body, and image: bytes, or"
            + " with KB, MB (1024-based) (default: ${DEFAULT-VALUE}).")
    String maxBody = (DEFAULTS.maxBodyBytes() >> 20) + "MB";
    @Option(names = "--max-megapixels", paramLabel = "N", description = "Largest image, as its header declares it"
            + " (default: ${DEFAULT-VALUE}).")
    double maxMegapixels = DEFAULTS.maxPixels() / 1e6;
    @Option(names = "--max-files", paramLabel = "N", description = "Most images in one multipart request (default:"
            + " ${DEFAULT-VALUE}).")
    int maxFiles = DEFAULTS.maxFiles();
    @Option(names = "--workers", paramLabel = "N", description = "Requests recognised at once, each prediction on"
            + " cores / N engine threads (default: one per core, one engine thread each).")
    int workers = DEFAULTS.workers();
    @Option(names = "--queue", paramLabel = "N", description = "Requests that may wait for a worker; more are"
            + " answered 503 server_busy with Retry-After (default: ${DEFAULT-VALUE}).")
    int queue = DEFAULTS.queue();
    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", description = "How long a stop waits for requests in"
            + " flight (default: ${DEFAULT-VALUE}).")
    long shutdownGrace = DEFAULTS.shutdownGrace().toSeconds();
    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "Close a connection after this long"
            + " without a byte from the client: a stalled request (408 request_timeout mid-body), or an idle kept-alive"
            + " connection (default: ${DEFAULT-VALUE}).")
    double idleTimeout = DEFAULTS.idleTimeout().toMillis() / 1000.0;
    @Option(names = "--header-timeout", paramLabel = "SECONDS", description = "Close a connection whose request"
            + " headers are not complete this long after it opened or after its previous answer (default:"
            + " ${DEFAULT-VALUE}).")
    double headerTimeout = DEFAULTS.headerTimeout().toMillis() / 1000.0;
    @Option(names = "--min-request-rate", paramLabel = "BYTES", description = "The slowest a request body may"
            + " arrive, in bytes per second on average; slower bodies are cut off with 408 request_timeout. 0 for no"
            + " minimum (default: ${DEFAULT-VALUE}).")
    long minRequestRate = DEFAULTS.minRequestDataRate();
    @Option(names = "--max-uploads", paramLabel = "N", description = "Request bodies read at once; while N are still"
            + " arriving, more uploads are answered 503 server_busy with Retry-After at once, so that slow uploaders"
            + " never keep the server from answering (default: ${DEFAULT-VALUE}).")
    int maxUploads = DEFAULTS.maxUploads();
    @Option(names = "--body-timeout", paramLabel = "SECONDS", description = "The longest a request body may take to"
            + " arrive in full, however fast it trickles; longer is cut off with 408 request_timeout (default:"
            + " ${DEFAULT-VALUE}).")
    double bodyTimeout = DEFAULTS.bodyTimeout().toMillis() / 1000.0;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        ServerConfig config;
        try {
            config = DEFAULTS.withAddress(host, port)
                    .withLimits(bytes(maxBody), Math.round(maxMegapixels * 1e6), maxFiles)
                    .withWork(workers, queue)
                    .withCorsOrigin(cors).withShutdownGrace(Duration.ofSeconds(shutdownGrace))
                    .withSlowClientLimits(Duration.ofMillis(Math.round(idleTimeout * 1000)),
                            Duration.ofMillis(Math.round(headerTimeout * 1000)), minRequestRate)
                    .withUploadLimits(maxUploads, Duration.ofMillis(Math.round(bodyTimeout * 1000)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        MnistServer server;
        try {
            server = MnistServer.start(config, () -> cli.model(model)).closeOnShutdown();
        } catch (JavalinBindException e) {
            throw new IllegalArgumentException("Cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another --port, or stop the program using it");
        }
        out.printf(Locale.ROOT, "mnist serve: listening on %s (loading the model)%n", server.uri());
        if (!isLoopback(config.host())) {
            err.printf("mnist serve: listening on %s, not only on this machine: whoever can reach it can use the"
                    + " service%n", config.host());
        }
        out.flush();
        err.flush();
        DigitClassifier classifier;
        try {
            classifier = server.awaitModel();
        } catch (ExecutionException e) {
            server.close();
            Throwable cause = e.getCause();
            err.println("mnist: " + (cause instanceof Exception x ? MnistCli.explain(x) : String.valueOf(cause)));
            err.flush();
            return MnistCli.EXIT_USAGE;
        }
        out.printf(Locale.ROOT, "mnist serve: ready: %s on %s (%s); draw a digit at %s, stop with Ctrl-C%n",
                model == null ? "the bundled model" : model, classifier.info().backend(),
                classifier.info().backendVersion(), server.uri());
        out.flush();
        server.join();
        return 0;
    }

    /** Bytes from {@code 10MB}, {@code 512KB}, {@code 1048576}... (K, M, G are powers of 1024). */
    static long bytes(String size) {
        Matcher m = SIZE.matcher(size.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--max-body " + size + " is not a size: give bytes, or a number with"
                    + " KB or MB, e.g. 10MB");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
