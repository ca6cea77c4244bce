package io.mnist.dl4j;

import com.sun.jna.Function;
import io.mnist.api.spi.BuildProperties;
import io.mnist.api.spi.EngineLogs;
import io.mnist.api.spi.UnpackedNatives;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Starts ND4J's CPU backend once, with a clear message when it cannot. Natives come from the
 * {@code nd4j-native} jar for this platform (on x86_64 the build with oneDNN), and {@code openblas}, and are
 * unpacked into {@code ~/.javacpp/cache} (redirect with {@code -Dorg.bytedeco.javacpp.cachedir=DIR}). JavaCPP finds
 * the oneDNN build only with the platform extension {@code -onednn}; it is set here, when that build is on the
 * classpath, unless the caller chose one.
 *
 * <p>ND4J's natives run on OpenMP (libgomp), whose idle threads by default spin for a while before sleeping. On a
 * machine with few cores they take the CPU from the thread that will hand them the next operation, and single
 * predictions stall for tens of milliseconds (p99 70 ms against 8 ms, BENCHMARKS.md). So, unless the environment
 * already names one, {@value #WAIT_POLICY} is set to {@code PASSIVE} in the process environment before the natives
 * load; {@code OMP_WAIT_POLICY=ACTIVE} in the environment keeps the spinning.
 *
 * <p>JavaCPP, under ND4J, checks the process's resident memory against a limit ({@value #MAX_PHYSICAL_BYTES}) on
 * every native allocation by reading {@code /proc/self/statm}, about 25 times per prediction: 6% of a single
 * prediction's time in a profile. Unless the caller set that property, it is set to 0 (no check); JavaCPP's limit
 * on the bytes it allocates itself stays, and the classifier frees DL4J's temporaries itself (see
 * {@link Dl4jClassifier}).
 *
 * <p>ND4J logs its build, BLAS, cores and memory at INFO when it starts; unless the caller set
 * {@value #LOG_INITIALIZATION}, it is set to {@code false} (README, "Process-wide settings").
 */
final class Dl4jRuntime {
    private static final Properties VERSIONS = BuildProperties.load(Dl4jRuntime.class, "versions.properties");
    private static volatile boolean started;
    /** JavaCPP's system property naming the build variant of the natives to load. */
    static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** Where the oneDNN build for this platform keeps its natives on the classpath. */
    private static final String ONEDNN_NATIVES = "/org/nd4j/linalg/cpu/nativecpu/bindings/" + platform() + "-onednn/";
    /** ND4J's system property: whether to log the backend's environment when it starts. */
    static final String LOG_INITIALIZATION = "org.nd4j.log.initialization";
    /** OpenMP's variable for what idle threads do: spin ({@code ACTIVE}) or sleep ({@code PASSIVE}). */
    static final String WAIT_POLICY = "OMP_WAIT_POLICY";
    /** JavaCPP's system property: the resident memory above which it collects garbage before allocating. */
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private Dl4jRuntime() {
    }

    /** Starts ND4J if it has not started; throws with what to do if its natives cannot load. */
    static void check() {
        if (started) {
            return;
        }
        synchronized (Dl4jRuntime.class) {
            if (!started) {
                if (System.getProperty(EXTENSION_PROPERTY) == null
                        && Dl4jRuntime.class.getResource(ONEDNN_NATIVES) != null) {
                    System.setProperty(EXTENSION_PROPERTY, "-onednn");
                }
                // ND4J describes its build, BLAS, cores and memory at INFO on every start, about a dozen lines.
                if (System.getProperty(LOG_INITIALIZATION) == null) {
                    System.setProperty(LOG_INITIALIZATION, "false");
                }
                // The CPU's vector level, and each network's workspace modes, at INFO on every start.
                EngineLogs.quiet("org.nd4j.linalg.cpu.nativecpu.CpuNDArrayFactory",
                        "org.deeplearning4j.nn.multilayer.MultiLayerNetwork");
                if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
                    System.setProperty(MAX_PHYSICAL_BYTES, "0");
                }
                if (System.getenv(WAIT_POLICY) == null) {
                    setNativeEnvironment(WAIT_POLICY, "PASSIVE");
                }
                try {
                    Nd4j.getBackend();
                    Nd4j.scalar(1f).close();
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException("[mnist] The dl4j backend cannot start ND4J's CPU backend: "
                            + e + ". It needs org.nd4j:nd4j-native " + VERSIONS.getProperty("dl4j")
                            + " with the classifier for " + platform() + " (on x86_64 the -onednn one) on the"
                            + " classpath and a writable ~/.javacpp/cache (or -Dorg.bytedeco.javacpp.cachedir=DIR)."
                            + " See README.md#platforms", e);
                }
                started = true;
            }
        }
    }

    /**
     * Sets a variable in the C library's environment, where native libraries read it when they load (Java's own
     * {@link System#getenv()} is a copy taken at start). Best effort: without it ND4J only runs slower.
     */
    private static void setNativeEnvironment(String name, String value) {
        try {
            Function.getFunction("c", "setenv").invokeInt(new Object[] {name, value, 0});
        } catch (RuntimeException | LinkageError e) {
            System.err.println("[mnist] Could not set " + name + "=" + value + " for ND4J's OpenMP threads (" + e
                    + "); set it in the environment to avoid slow single predictions");
        }
    }

    /**
     * JavaCPP's name of this platform ({@code linux-x86_64}, {@code macosx-arm64}, ...), worked out here rather than
     * asked of JavaCPP's Loader: loading JavaCPP's classes would fix its settings before {@link #check()} sets them.
     */
    static String platform() {
        String named = System.getProperty("org.bytedeco.javacpp.platform");
        if (named != null) {
            return named;
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
        String osName = os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : os;
        String archName = switch (arch) {
            case "amd64", "x86-64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return osName + "-" + archName;
    }

    /**
     * The native libraries JavaCPP unpacks for ND4J on this platform: every library in the jars that hold ND4J's
     * bindings, OpenBLAS and JavaCPP's own for this platform, each at {@code CACHE/JAR-FILE-NAME/ENTRY} as JavaCPP
     * keeps them. (JavaCPP itself unpacks again a file whose size or time differs from its entry's, so a library cut
     * short repairs itself here; {@code mnist doctor} also compares digests.) Starts nothing.
     *
     * @throws IOException if a jar cannot be read
     */
    static List<UnpackedNatives.Library> natives() throws IOException {
        Path cache = Path.of(System.getProperty("org.bytedeco.javacpp.cachedir",
                Path.of(System.getProperty("user.home"), ".javacpp", "cache").toString()));
        String extension = System.getProperty(EXTENSION_PROPERTY,
                Dl4jRuntime.class.getResource(ONEDNN_NATIVES) != null ? "-onednn" : "");
        List<UnpackedNatives.Library> libraries = new ArrayList<>();
        for (String folder : List.of("/org/nd4j/linalg/cpu/nativecpu/bindings/" + platform() + extension + "/",
                "/org/bytedeco/openblas/" + platform() + "/", "/org/bytedeco/javacpp/" + platform() + "/")) {
            URL url = Dl4jRuntime.class.getResource(folder);
            if (url == null || !"jar".equals(url.getProtocol())) {
                continue;
            }
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            URL jarUrl = connection.getJarFileURL();
            String jarName = jarUrl.getPath().substring(jarUrl.getPath().lastIndexOf('/') + 1);
            try (JarFile jar = connection.getJarFile()) {
                for (JarEntry entry : java.util.Collections.list(jar.entries())) {
                    String name = entry.getName();
                    String file = name.substring(name.lastIndexOf('/') + 1);
                    if (!entry.isDirectory() && name.startsWith(folder.substring(1))
                            && (file.contains(".so") || file.endsWith(".dylib") || file.endsWith(".dll"))) {
                        libraries.add(new UnpackedNatives.Library(cache.resolve(jarName).resolve(name),
                                new URL("jar:" + jarUrl + "!/" + name)));
                    }
                }
            }
        }
        return libraries;
    }

    /** The C library's value of an environment variable, or null. */
    static String nativeEnvironment(String name) {
        return Function.getFunction("c", "getenv").invokeString(new Object[] {name}, false);
    }

    /** "Deeplearning4j x / ND4J native CPU", from build-time versions, without starting ND4J. */
    static String version() {
        return "Deeplearning4j " + VERSIONS.getProperty("dl4j") + " / ND4J native CPU";
    }
}
