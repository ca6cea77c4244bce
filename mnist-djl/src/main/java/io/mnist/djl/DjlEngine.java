package io.mnist.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;
import io.mnist.api.spi.BuildProperties;
import io.mnist.api.spi.EngineLogs;
import io.mnist.api.spi.UnpackedNatives;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    /** pytorch-native-cpu's listing of the libraries it holds, with their version, flavour and platform. */
    private static final String NATIVES_LISTING = "/native/lib/pytorch.properties";
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
                    repairNatives();
                    try {
                        e = Engine.getEngine(NAME);
                    } catch (EngineException | IllegalArgumentException | IllegalStateException ex) {
                        String unpack = cannotUnpack();
                        if (unpack != null) {
                            throw new EngineException(unpack, ex);
                        }
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
     * Deletes PyTorch's unpacked libraries if one of them does not match the jar it came from (a size check: no
     * file is read), so that DJL unpacks them again: DJL checks only that libtorch exists, and a library cut short
     * kills the JVM with SIGBUS when it is loaded. The whole folder goes, since DJL unpacks into it only when
     * libtorch is missing. Says so on stderr.
     *
     * @throws EngineException if the folder cannot be deleted, naming it and what to do
     */
    static void repairNatives() {
        Path folder = nativeFolder();
        List<UnpackedNatives.Mismatch> bad;
        try {
            bad = mismatches(false);
        } catch (IOException | RuntimeException e) {
            return; // the jars are not as expected; the engine's own start says what is wrong
        }
        if (bad.isEmpty()) {
            return;
        }
        UnpackedNatives.Mismatch first = bad.get(0);
        try {
            UnpackedNatives.delete(folder);
        } catch (IOException e) {
            throw new EngineException("[mnist] PyTorch's native library " + first.file() + " is damaged ("
                    + first.problem() + ") and " + folder + " cannot be deleted (" + e.getMessage() + "). Delete it"
                    + " as a user who can, or set ENGINE_CACHE_DIR to another folder, so that it is unpacked again."
                    + " See README.md#troubleshooting", e);
        }
        System.err.println("[mnist] PyTorch's native library " + first.file() + " was damaged (" + first.problem()
                + (bad.size() > 1 ? "; " + (bad.size() - 1) + " more" : "") + "); deleted " + folder
                + " for PyTorch to unpack it again");
    }

    /**
     * PyTorch's unpacked libraries that do not match the jars on the classpath: cut short or changed (a size check;
     * with {@code digests} also their SHA-256), or missing from a folder DJL would load as it is.
     *
     * @throws IOException if a jar cannot be read
     */
    static List<UnpackedNatives.Mismatch> mismatches(boolean digests) throws IOException {
        List<UnpackedNatives.Library> libraries = natives();
        List<UnpackedNatives.Mismatch> bad = new ArrayList<>(UnpackedNatives.check(libraries, digests));
        Path folder = nativeFolder();
        if (Files.isDirectory(folder)) {
            // DJL takes a folder holding libtorch as complete, and cannot unpack into one that exists: it unpacks
            // nothing more but its JNI library.
            for (UnpackedNatives.Library library : libraries.subList(0, libraries.size() - 1)) {
                if (!Files.exists(library.file())) {
                    bad.add(new UnpackedNatives.Mismatch(library.file(), "missing"));
                }
            }
        }
        return bad;
    }

    /**
     * The libraries DJL unpacks: libtorch's, listed in {@code pytorch-native-cpu}'s {@code pytorch.properties},
     * then DJL's JNI library from {@code pytorch-jni} (last). Reads only that listing: starts nothing.
     *
     * @throws IOException if the listing cannot be read
     */
    static List<UnpackedNatives.Library> natives() throws IOException {
        Properties listing = new Properties();
        try (InputStream in = DjlEngine.class.getResourceAsStream(NATIVES_LISTING)) {
            if (in == null) {
                throw new IOException(NATIVES_LISTING + " is not on the classpath (no pytorch-native-cpu jar)");
            }
            listing.load(in);
        }
        String flavor = listing.getProperty("flavor");
        String classifier = listing.getProperty("classifier");
        Path folder = nativeFolder(listing);
        List<UnpackedNatives.Library> libraries = new ArrayList<>();
        for (String name : listing.getProperty("libraries", "").split(",")) {
            if (!name.isBlank()) {
                libraries.add(library(folder.resolve(name.strip()),
                        "/pytorch/" + flavor + "/" + classifier + "/" + name.strip()));
            }
        }
        String jni = System.mapLibraryName("djl_torch");
        libraries.add(library(folder.resolve(VERSIONS.getProperty("djl") + "-" + jni),
                "/jnilib/" + classifier + "/" + flavor + "/" + jni));
        return libraries;
    }

    private static UnpackedNatives.Library library(Path file, String resource) throws IOException {
        java.net.URL source = DjlEngine.class.getResource(resource);
        if (source == null) {
            throw new IOException(resource + " is not on the classpath");
        }
        return new UnpackedNatives.Library(file, source);
    }

    /** The folder DJL unpacks PyTorch into: {@code ~/.djl.ai/pytorch/VERSION-FLAVOR-CLASSIFIER} by default. */
    static Path nativeFolder() {
        Properties listing = new Properties();
        try (InputStream in = DjlEngine.class.getResourceAsStream(NATIVES_LISTING)) {
            if (in != null) {
                listing.load(in);
            }
        } catch (IOException e) {
            // the cache folder alone, below
        }
        return nativeFolder(listing);
    }

    private static Path nativeFolder(Properties listing) {
        Path cache = ai.djl.util.Utils.getEngineCacheDir("pytorch");
        String version = listing.getProperty("version");
        return version == null ? cache
                : cache.resolve(version + "-" + listing.getProperty("flavor") + "-" + listing.getProperty("classifier"));
    }

    /**
     * "[mnist] ..." saying that PyTorch cannot be unpacked into its folder and what to do, or null if the folder
     * is not the problem: it (or the nearest folder above it) is not writable, or is a file, and it does not hold
     * every library yet.
     */
    static String cannotUnpack() {
        Path folder = nativeFolder();
        String why = UnpackedNatives.whyNotWritable(folder);
        if (why == null) {
            return null;
        }
        String lacking;
        try {
            List<String> missing = natives().stream().map(UnpackedNatives.Library::file)
                    .filter(f -> !Files.exists(f)).map(f -> f.getFileName().toString()).toList();
            if (missing.isEmpty()) {
                return null;
            }
            lacking = Files.isDirectory(folder) ? "it lacks " + String.join(", ", missing) : "it does not exist yet";
        } catch (IOException e) {
            lacking = "it does not hold them all";
        }
        return "[mnist] The djl backend cannot unpack PyTorch's native libraries into " + folder + ": " + lacking
                + " and " + why + ". Set ENGINE_CACHE_DIR (or DJL_CACHE_DIR) to a writable folder, or run it once"
                + " as a user who can write there to unpack them. See README.md#troubleshooting";
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
