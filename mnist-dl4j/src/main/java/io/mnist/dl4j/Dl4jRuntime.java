package io.mnist.dl4j;

import io.mnist.api.spi.BuildProperties;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Starts ND4J's CPU backend once, with a clear message when it cannot. Natives come from the
 * {@code nd4j-native} and {@code openblas} jars for linux-x86_64 and are unpacked into {@code ~/.javacpp/cache}
 * (redirect with {@code -Dorg.bytedeco.javacpp.cachedir=DIR}).
 */
final class Dl4jRuntime {
    private static final Properties VERSIONS = BuildProperties.load(Dl4jRuntime.class, "versions.properties");
    private static volatile boolean started;

    private Dl4jRuntime() {
    }

    /** Starts ND4J if it has not started; throws with what to do if its natives cannot load. */
    static void check() {
        if (started) {
            return;
        }
        synchronized (Dl4jRuntime.class) {
            if (!started) {
                try {
                    Nd4j.getBackend();
                    Nd4j.scalar(1f).close();
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException("[mnist] The dl4j backend cannot start ND4J's CPU backend: "
                            + e + ". It needs org.nd4j:nd4j-native " + VERSIONS.getProperty("dl4j")
                            + " with classifier linux-x86_64 on the classpath and a writable ~/.javacpp/cache"
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
