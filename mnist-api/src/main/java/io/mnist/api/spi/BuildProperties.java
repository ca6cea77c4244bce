package io.mnist.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Build-time facts a backend ships as a filtered properties file next to its classes (engine versions, say), so
 * it can name its engine without starting it.
 */
public final class BuildProperties {
    private BuildProperties() {
    }

    /**
     * Reads {@code name} from {@code anchor}'s package on the classpath.
     *
     * @return the properties, empty if there is no such file
     */
    public static Properties load(Class<?> anchor, String name) {
        Properties p = new Properties();
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name + " next to " + anchor.getName(), e);
        }
        return p;
    }
}
