package io.mnist.api.data;

import java.util.Locale;

/**
 * How much data {@link IdxReader} reads from one IDX file, checked against the header and the file's length before
 * anything of that size is allocated.
 *
 * <table>
 *   <caption>Limits and their defaults</caption>
 *   <tr><th>limit</th><th>default</th><th>raise it with</th></tr>
 *   <tr><td>{@link #maxBytes()}: bytes of (decompressed) data in one file</td><td>1 GiB</td>
 *       <td>{@code -Dmnist.idx.maxBytes=BYTES}, or {@link IdxReader#readBytes(java.nio.file.Path, IdxLimits)}</td></tr>
 * </table>
 *
 * <p>MNIST's largest file (the training images) is 47 MB; the default leaves room for EMNIST-sized sets. A gzip file
 * is never expanded further than its header declares, nor further than gzip can compress (about 1,032 to 1).
 *
 * @param maxBytes the most bytes one file may hold once decompressed, at least 1
 */
public record IdxLimits(long maxBytes) {
    /** 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** The system property that raises (or lowers) {@link #maxBytes()} from its default. */
    public static final String MAX_BYTES_PROPERTY = "mnist.idx.maxBytes";

    /** @throws IllegalArgumentException if {@code maxBytes} is below 1 */
    public IdxLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
        }
    }

    /**
     * The default limits, with {@link #maxBytes()} taken from the system property {@value #MAX_BYTES_PROPERTY} when
     * it is set.
     *
     * @throws IllegalArgumentException if the property is set but not a positive whole number
     */
    public static IdxLimits defaults() {
        return new IdxLimits(io.mnist.api.internal.LimitProperties.read(MAX_BYTES_PROPERTY, DEFAULT_MAX_BYTES));
    }

    String describe() {
        return String.format(Locale.ROOT, "%d bytes (IdxLimits.maxBytes; raise it with -D%s=BYTES)", maxBytes,
                MAX_BYTES_PROPERTY);
    }
}
