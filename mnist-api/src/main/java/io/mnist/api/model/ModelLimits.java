package io.mnist.api.model;

import java.util.Locale;

/**
 * How large a model file {@link ModelFile} reads, checked before anything of that size is allocated: the file, each
 * entry and all entries once expanded, and the network its manifest declares. Every refusal is a
 * {@link ModelTooLargeException} naming the limit and how to raise it.
 *
 * <table>
 *   <caption>Limits, their defaults and system properties</caption>
 *   <tr><th>limit</th><th>default</th><th>system property</th></tr>
 *   <tr><td>{@link #maxFileBytes()}: the model file</td><td>512 MiB</td><td>{@code mnist.model.maxFileBytes}</td></tr>
 *   <tr><td>{@link #maxEntryBytes()}: one entry, expanded</td><td>256 MiB</td>
 *       <td>{@code mnist.model.maxEntryBytes}</td></tr>
 *   <tr><td>{@link #maxExpandedBytes()}: all entries, expanded</td><td>512 MiB</td>
 *       <td>{@code mnist.model.maxExpandedBytes}</td></tr>
 *   <tr><td>{@link #maxLayers()}: layers of the network</td><td>256</td><td>{@code mnist.model.maxLayers}</td></tr>
 *   <tr><td>{@link #maxParameters()}: parameters of the network</td><td>25,000,000</td>
 *       <td>{@code mnist.model.maxParameters}</td></tr>
 * </table>
 *
 * <p>Besides these, the weight entries together may not expand to more than {@value #BYTES_PER_PARAMETER} bytes per
 * parameter the manifest's network has, plus {@value #SLACK_BYTES} bytes (four float32 copies of every weight; the
 * backends store one), and the manifest itself to more than {@value #MAX_MANIFEST_BYTES} bytes: a zip bomb stops
 * there, whatever the limits. The seed network has 1.2 million parameters (a 4.8 MB file), the bundled models'
 * 0.33 million; the defaults leave twenty times room.
 *
 * @param maxFileBytes     the most bytes of model file read, at least 1
 * @param maxEntryBytes    the most bytes one entry may expand to, at least 1
 * @param maxExpandedBytes the most bytes all entries together may expand to, at least 1
 * @param maxLayers        the most layers the manifest's network may have, at least 1
 * @param maxParameters    the most trainable parameters the manifest's network may have, at least 1
 */
public record ModelLimits(long maxFileBytes, long maxEntryBytes, long maxExpandedBytes, int maxLayers,
                          long maxParameters) {
    /** 512 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 512L << 20;
    /** 256 MiB. */
    public static final long DEFAULT_MAX_ENTRY_BYTES = 256L << 20;
    /** 512 MiB. */
    public static final long DEFAULT_MAX_EXPANDED_BYTES = 512L << 20;
    /** 256 layers. */
    public static final int DEFAULT_MAX_LAYERS = 256;
    /** 25 million parameters (100 MB as float32). */
    public static final long DEFAULT_MAX_PARAMETERS = 25_000_000L;
    /** Weight bytes allowed per parameter of the manifest's network. */
    public static final int BYTES_PER_PARAMETER = 16;
    /** Weight bytes allowed besides those per parameter. */
    public static final long SLACK_BYTES = 16L << 20;
    /** The most bytes the manifest may expand to. */
    public static final int MAX_MANIFEST_BYTES = 4 << 20;

    /** The prefix of the system properties that set the defaults: {@code mnist.model.} then the limit's name. */
    public static final String PROPERTY_PREFIX = "mnist.model.";
    /** The largest array Java allocates; no entry can be larger, whatever the limit. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** @throws IllegalArgumentException if a limit is below 1 */
    public ModelLimits {
        if (maxFileBytes < 1 || maxEntryBytes < 1 || maxExpandedBytes < 1 || maxLayers < 1 || maxParameters < 1) {
            throw new IllegalArgumentException("Model limits must be at least 1: " + maxFileBytes + ", "
                    + maxEntryBytes + ", " + maxExpandedBytes + ", " + maxLayers + ", " + maxParameters);
        }
        maxFileBytes = Math.min(maxFileBytes, MAX_ARRAY);
        maxEntryBytes = Math.min(maxEntryBytes, MAX_ARRAY);
    }

    /**
     * The defaults in the table above, each replaced by its system property when that is set (e.g.
     * {@code -Dmnist.model.maxParameters=100000000}).
     *
     * @throws IllegalArgumentException if such a property is set but not a positive whole number
     */
    public static ModelLimits defaults() {
        return new ModelLimits(property("maxFileBytes", DEFAULT_MAX_FILE_BYTES),
                property("maxEntryBytes", DEFAULT_MAX_ENTRY_BYTES),
                property("maxExpandedBytes", DEFAULT_MAX_EXPANDED_BYTES),
                (int) Math.min(Integer.MAX_VALUE, property("maxLayers", DEFAULT_MAX_LAYERS)),
                property("maxParameters", DEFAULT_MAX_PARAMETERS));
    }

    /** The limits with another {@link #maxParameters()}. */
    public ModelLimits withMaxParameters(long parameters) {
        return new ModelLimits(maxFileBytes, maxEntryBytes, maxExpandedBytes, maxLayers, parameters);
    }

    /** The limits with another {@link #maxLayers()}. */
    public ModelLimits withMaxLayers(int layers) {
        return new ModelLimits(maxFileBytes, maxEntryBytes, maxExpandedBytes, layers, maxParameters);
    }

    /** The limits with other byte limits for the file, one entry and all entries. */
    public ModelLimits withMaxBytes(long file, long entry, long expanded) {
        return new ModelLimits(file, entry, expanded, maxLayers, maxParameters);
    }

    /** {@code "the limit of N (ModelLimits.name; raise it with -Dmnist.model.name=N)"}, for messages. */
    static String limit(String name, long value) {
        return String.format(Locale.ROOT, "the limit of %,d (ModelLimits.%s; raise it with -D%s%s=N or a ModelLimits"
                + " passed to ModelFile.read)", value, name, PROPERTY_PREFIX, name);
    }

    private static long property(String name, long fallback) {
        return io.mnist.api.internal.LimitProperties.read(PROPERTY_PREFIX + name, fallback);
    }
}
