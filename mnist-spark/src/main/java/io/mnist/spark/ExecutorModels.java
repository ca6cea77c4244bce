package io.mnist.spark;

import io.mnist.api.DigitClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded in this JVM, one per {@link ModelSource#key()}: an executor loads each model once, on its first
 * task, and every later task and partition of every job shares it ({@link DigitClassifier#predictAll} is
 * thread-safe). They are closed when the JVM exits.
 */
final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<String, DigitClassifier> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> MODELS.values().forEach(DigitClassifier::close),
                "mnist-spark-models-close"));
    }

    private ExecutorModels() {
    }

    /** The model of {@code source}, loaded on first use in this JVM. */
    static DigitClassifier get(ModelSource source) {
        return MODELS.computeIfAbsent(source.key(), key -> {
            long start = System.nanoTime();
            try {
                DigitClassifier model = source.load();
                // Spark runs one task per core, each predicting its own batches: one engine thread per call keeps
                // the engine's pool from adding threads that compete with the other tasks for the same cores.
                model.setThreadsPerCall(1);
                LOADS.incrementAndGet();
                LOG.info("mnist-spark: loaded {} ({} backend) in {} ms", source, model.info().backend(),
                        (System.nanoTime() - start) / 1_000_000);
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot load " + source + ": " + e.getMessage(), e);
            }
        });
    }

    /** How many models this JVM has loaded so far; for tests. */
    static int loads() {
        return LOADS.get();
    }
}
