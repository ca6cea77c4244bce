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
    /**
     * The format version this library writes and the newest it reads. Version 2 records the training data and
     * conversions as objects ({@link io.mnist.api.TrainingData}, {@link io.mnist.api.Conversion}) where version 1
     * wrote sentences; version 1 files still load.
     */
    public static final int FORMAT_VERSION = 2;
    /** The manifest's entry name; always the first entry. */
    public static final String ENTRY = "manifest.json";

    /**
     * Checks the required parts and copies the digests.
     *
     * @throws NullPointerException if {@code format} or {@code model} is null
     */
    public ModelManifest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(model, "model");
        entries = entries == null ? Map.of() : new TreeMap<>(entries);
    }
}
