package io.mnist.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this library (mnist-api), as recorded in model files and shown by tools.
 */
public final class LibraryVersion {
    private static final String VERSION = read();

    private LibraryVersion() {
    }

    /**
     * This library's version, e.g. {@code 0.1.0}: the {@code Implementation-Version} of the mnist-api jar's
     * manifest, or, when the classes run from a build directory (an IDE, a test), the version Maven wrote beside
     * them.
     *
     * @return the version; {@code "unknown"} only if neither was built in
     */
    public static String current() {
        return VERSION;
    }

    private static String read() {
        String fromJar = LibraryVersion.class.getPackage().getImplementationVersion();
        if (fromJar != null) {
            return fromJar;
        }
        Properties p = new Properties();
        try (InputStream in = LibraryVersion.class.getResourceAsStream("library.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read io/mnist/api/library.properties", e);
        }
        String built = p.getProperty("version", "");
        return built.isEmpty() || built.startsWith("${") ? "unknown" : built;
    }
}
