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

    @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 picks a free one (default:"
            + " ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, this"
                    + " machine only).")
    String host;
    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: the backend's bundled"
            + " model).")
    Path model;
    @Option(names = "--cors", paramLabel = "ORIGIN", description = "Let scripts of this one origin call the API, e.g."
            + " https://example.org (default: none).")
    String cors;
    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "10MB", description = "Largest request body,"
            + " and image: bytes, or with KB, MB (1024-based) (default: ${DEFAULT-VALUE}).")
    String maxBody;
    @Option(names = "--max-megapixels", paramLabel = "N", defaultValue = "40", description = "Largest image, as"
            + " its header declares it (default: ${DEFAULT-VALUE}).")
    double maxMegapixels;
    @Option(names = "--max-files", paramLabel = "N", defaultValue = "64", description = "Most images in one"
            + " multipart request (default: ${DEFAULT-VALUE}).")
    int maxFiles;
    @Option(names = "--workers", paramLabel = "N", description = "Requests recognised at once (default: one per"
            + " core).")
    Integer workers;
    @Option(names = "--queue", paramLabel = "N", defaultValue = "64", description = "Requests that may wait for a"
            + " worker; more are answered 503 server_busy with Retry-After (default: ${DEFAULT-VALUE}).")
    int queue;
    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", defaultValue = "30", description = "How long a stop"
            + " waits for requests in flight (default: ${DEFAULT-VALUE}).")
    int shutdownGrace;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        ServerConfig config;
        try {
            config = ServerConfig.defaults().withAddress(host, port)
                    .withLimits(bytes(maxBody), Math.round(maxMegapixels * 1e6), maxFiles)
                    .withWork(workers == null ? ServerConfig.defaults().workers() : workers, queue)
                    .withCorsOrigin(cors).withShutdownGrace(Duration.ofSeconds(shutdownGrace));
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
