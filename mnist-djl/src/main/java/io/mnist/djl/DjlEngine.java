package io.mnist.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;
import io.mnist.api.spi.BuildProperties;
import io.mnist.api.spi.EngineLogs;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Starts DJL's PyTorch engine once, offline. Natives come from the {@code pytorch-native-cpu} and
 * {@code pytorch-jni} jars on the classpath and are unpacked into {@code ~/.djl.ai/pytorch} (redirect with the
 * {@code ENGINE_CACHE_DIR} or {@code DJL_CACHE_DIR} environment variable or system property). Unless set already,
 * it sets {@code ai.djl.offline=true} and {@value #GRAPH_OPTIMIZER}{@code =false}, and raises DJL's start-up loggers
 * to WARN where the application has not configured them ({@link EngineLogs}; README, "Process-wide settings").
 *
 * <p>libtorch computes on OpenMP threads. Their number is kept per calling thread (OpenMP's limit), and libtorch
 * also keeps it as the default a thread takes when it first computes; {@link #onThreads} sets it around a call.
 */
final class DjlEngine {
    /** The DJL engine name. */
    static final String NAME = "PyTorch";
    /** DJL's switch for PyTorch's TorchScript graph executor optimisation. */
    static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";
    private static final Properties VERSIONS = BuildProperties.load(DjlEngine.class, "versions.properties");
    private static volatile Engine engine;
    /** libtorch's intra-op threads as the engine started with them ({@code ai.djl.pytorch.num_threads}, or its own). */
    private static volatile int defaultThreads;

    private DjlEngine() {
    }

    /** The engine, started on first use. */
    static Engine get() {
        Engine e = engine;
        if (e == null) {
            synchronized (DjlEngine.class) {
                e = engine;
                if (e == null) {
                    // Never download natives or model metadata: everything the engine needs is on the classpath.
                    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
                        System.setProperty("ai.djl.offline", "true");
                    }
                    // The graph executor optimises TorchScript models, which this backend never runs; with it on,
                    // the engine announces it at INFO on every start.
                    if (System.getProperty(GRAPH_OPTIMIZER) == null) {
                        System.setProperty(GRAPH_OPTIMIZER, "false");
                    }
                    // Which natives jar was found and the thread counts, at INFO on every start.
                    EngineLogs.quiet("ai.djl.util.Platform", "ai.djl.pytorch.engine.PtEngine");
                    // DJL probes for CUDA whatever build it runs, and warns on a machine with a CUDA runtime but no
                    // usable driver; this backend runs PyTorch's CPU build, which never uses it.
                    EngineLogs.quietWarnings("ai.djl.util.cuda.CudaUtils");
                    try {
                        e = Engine.getEngine(NAME);
                    } catch (EngineException | IllegalArgumentException ex) {
                        throw new EngineException("[mnist] The djl backend cannot start PyTorch: " + ex.getMessage()
                                + ". It needs ai.djl.pytorch:pytorch-native-cpu " + VERSIONS.getProperty("pytorch")
                                + " with the classifier for this platform (" + System.getProperty("os.name") + " "
                                + System.getProperty("os.arch") + "; PyTorch publishes linux-x86_64, linux-aarch64,"
                                + " osx-aarch64 and win-x86_64, none for macOS on Intel: use mnist-dl4j there) and"
                                + " ai.djl.pytorch:pytorch-jni on the classpath, and a writable ~/.djl.ai (or"
                                + " ENGINE_CACHE_DIR). See README.md#platforms", ex);
                    }
                    defaultThreads = JniUtils.getNumThreads();
                    engine = e;
                }
            }
        }
        return e;
    }

    /**
     * Runs {@code work} with libtorch's operations started from this thread on {@code threads} threads (0: as many
     * as the engine started with), then restores this thread's count. Setting the count also changes libtorch's
     * default for threads that have not computed yet, so every call sets the count it needs rather than trusting
     * the one it finds. Costs two calls into libtorch, nothing measurable next to a prediction (BENCHMARKS.md).
     */
    static <T> T onThreads(int threads, Supplier<T> work) {
        int wanted = threads > 0 ? threads : defaultThreads;
        int before = JniUtils.getNumThreads();
        if (wanted == before || wanted <= 0) {
            return work.get();
        }
        JniUtils.setNumThreads(wanted);
        try {
            return work.get();
        } finally {
            JniUtils.setNumThreads(before);
        }
    }

    /** "DJL x / PyTorch y", from build-time versions, without starting the engine. */
    static String version() {
        return "DJL " + VERSIONS.getProperty("djl") + " / PyTorch " + VERSIONS.getProperty("pytorch");
    }
}
