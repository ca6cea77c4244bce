package io.mnist.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format through Micrometer:
 * <ul>
 *   <li>{@code http_server_requests_seconds} (count, sum and histogram buckets) by method, route and status;</li>
 *   <li>{@code mnist_errors_total} by {@code error} code, including each failed file of a multipart request;</li>
 *   <li>{@code mnist_images_predicted_total} by endpoint ({@code digits}, {@code numbers});</li>
 *   <li>{@code mnist_requests_in_flight} (recognising or queued) and {@code mnist_model_ready} (0 or 1);</li>
 *   <li>the JVM's memory, threads and the process's CPU.</li>
 * </ul>
 * Routes are labelled by their template, and requests that match no route as {@code unmatched}, so that a scan of
 * random paths cannot blow up the number of series.
 */
final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The timers by method, route and status: a map lookup per request rather than a meter registration. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    ServerMetrics(IntSupplier inFlight, BooleanSupplier modelReady) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("mnist.requests.in.flight", inFlight::getAsInt)
                .description("Requests recognising or waiting for a worker").register(registry);
        Gauge.builder("mnist.model.ready", () -> modelReady.getAsBoolean() ? 1 : 0)
                .description("1 once the model is loaded").register(registry);
    }

    /** Records one answered request. */
    void request(String method, String route, int status, float millis) {
        timers.computeIfAbsent(method + ' ' + route + ' ' + status, key -> Timer.builder("http.server.requests")
                        .description("HTTP requests by route and status, and their latency")
                        .tags("method", method, "route", route, "status", Integer.toString(status))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry))
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /** Counts one error answered, for a whole request or for one file of it. */
    void error(ErrorCode code) {
        Counter.builder("mnist.errors").description("Errors answered, by code").tag("error", code.code())
                .register(registry).increment();
    }

    /** Counts images recognised by {@code endpoint}. */
    void predicted(String endpoint, int images) {
        if (images > 0) {
            Counter.builder("mnist.images.predicted").description("Images recognised, by endpoint")
                    .tag("endpoint", endpoint).register(registry).increment(images);
        }
    }

    /** The Prometheus text exposition of every meter. */
    String scrape() {
        return registry.scrape();
    }
}
