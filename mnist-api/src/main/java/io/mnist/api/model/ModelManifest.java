package io.mnist.api.model;

import io.mnist.api.ModelInfo;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code manifest.json} of a model file: format marker and version, what the model is, where it was made,
 * and the SHA-256 of every other entry.
 *
 * @param format        always {@link #FORMAT}
 * @param formatVersion the layout version; readers refuse versions newer than {@link #FORMAT_VERSION}
 * @param model         backend, network, recipe, history and accuracy
 * @param provenance    library, JVM, OS and time of writing
 * @param entries       entry name to lower-case hex SHA-256
 */
public record ModelManifest(String format, int formatVersion, ModelInfo model, Provenance provenance,
                            Map<String, String> entries) {
    /** The marker that tells our model files from other zips. */
    public static final String FORMAT = "mnist-model";
    /** The format version this library writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** The manifest's entry name; always the first entry. */
    public static final String ENTRY = "manifest.json";

    public ModelManifest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(model, "model");
        entries = entries == null ? Map.of() : new TreeMap<>(entries);
    }
}
