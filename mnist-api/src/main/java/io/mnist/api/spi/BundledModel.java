package io.mnist.api.spi;

import io.mnist.api.data.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A backend's bundled model: a model file on the classpath with its SHA-256 recorded beside it in
 * {@code <path>.sha256}. Reading checks the digest, so a jar whose resources were damaged (re-packed, filtered as
 * text, cut short) fails with a message naming the cause rather than loading odd weights.
 */
public final class BundledModel {
    private BundledModel() {
    }

    /**
     * The bytes of the model at {@code path} on {@code owner}'s classpath, checked against {@code path.sha256}.
     *
     * @return empty if there is no model at {@code path}
     * @throws IllegalStateException if the digest is missing or does not match
     */
    public static Optional<InputStream> open(Class<?> owner, String path) {
        byte[] model = read(owner, path);
        if (model == null) {
            return Optional.empty();
        }
        String expected = recordedDigest(owner, path).orElseThrow(() -> new IllegalStateException("The bundled model "
                + path + " has no recorded digest " + path + ".sha256 beside it; the jar of " + owner.getName()
                + " was built wrongly"));
        String actual = Sha256.hex(model);
        if (!actual.equals(expected)) {
            throw new IllegalStateException("The bundled model " + path + " is damaged: its SHA-256 is " + actual
                    + " but " + expected + " was recorded. Use the published jar of " + owner.getPackageName()
                    + ", or check that resource filtering or re-packing did not alter binary files.");
        }
        return Optional.of(new ByteArrayInputStream(model));
    }

    /** The recorded SHA-256 of the bundled model at {@code path}, if there is one. */
    public static Optional<String> recordedDigest(Class<?> owner, String path) {
        byte[] recorded = read(owner, path + ".sha256");
        return recorded == null ? Optional.empty()
                : Optional.of(new String(recorded, StandardCharsets.US_ASCII).trim().split("\\s+")[0]);
    }

    private static byte[] read(Class<?> owner, String path) {
        try (InputStream in = owner.getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the bundled resource " + path, e);
        }
    }
}
