package io.mnist.dl4j;

import io.mnist.api.spi.BuildProperties;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Starts ND4J's CPU backend once, with a clear message when it cannot. Natives come from the
 * {@code nd4j-native} jar for linux-x86_64 built with oneDNN, and {@code openblas}, and are unpacked into
 * {@code ~/.javacpp/cache} (redirect with {@code -Dorg.bytedeco.javacpp.cachedir=DIR}). JavaCPP finds the oneDNN
 * build only with the platform extension {@code -onednn}; it is set here unless the caller chose one.
 */
final class Dl4jRuntime {
    private static final Properties VERSIONS = BuildProperties.load(Dl4jRuntime.class, "versions.properties");
    private static volatile boolean started;
    /** JavaCPP's system property naming the build variant of the natives to load. */
    static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** Where the oneDNN build keeps its natives on the classpath. */
    private static final String ONEDNN_NATIVES = "/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/";

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
                try {
                    Nd4j.getBackend();
                    Nd4j.scalar(1f).close();
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException("[mnist] The dl4j backend cannot start ND4J's CPU backend: "
                            + e + ". It needs org.nd4j:nd4j-native " + VERSIONS.getProperty("dl4j")
                            + " with classifier linux-x86_64-onednn on the classpath and a writable ~/.javacpp/cache"
                            + " (or -Dorg.bytedeco.javacpp.cachedir=DIR). See README.md#the-dl4j-backend", e);
                }
                started = true;
            }
        }
    }

    /** "Deeplearning4j x / ND4J native CPU", from build-time versions, without starting ND4J. */
    static String version() {
        return "Deeplearning4j " + VERSIONS.getProperty("dl4j") + " / ND4J native CPU";
    }
}
