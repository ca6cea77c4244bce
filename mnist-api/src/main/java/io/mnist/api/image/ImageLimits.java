package io.mnist.api.image;

/**
 * How large an encoded image {@link ImageDecoder} accepts, checked before anything of that size is allocated.
 *
 * <table>
 *   <caption>Limits and their defaults</caption>
 *   <tr><th>limit</th><th>default</th><th>past it</th></tr>
 *   <tr><td>{@link #maxBytes()}</td><td>64 MiB</td><td>refused ({@code too_many_bytes})</td></tr>
 *   <tr><td>{@link #maxPixels()}</td><td>250 megapixels (width x height in the header)</td>
 *       <td>refused ({@code too_many_pixels})</td></tr>
 *   <tr><td>{@link #decodePixels()}</td><td>4 megapixels</td>
 *       <td>decoded subsampled (every 2nd, 3rd... row and column) to fit; a digit needs far fewer</td></tr>
 * </table>
 *
 * <p>The defaults take any phone photo (the largest phone sensors give 200 megapixels) in about 16 MB of
 * decoded pixels, so a service with a 256 MB heap decodes several at once.
 *
 * @param maxBytes     the most bytes of encoded image read, at least 1
 * @param maxPixels    the most pixels (width x height) an image may declare, at least 1
 * @param decodePixels images declaring more pixels than this are decoded subsampled to at most this many; at least
 *                     1 and at most {@code maxPixels}
 */
public record ImageLimits(long maxBytes, long maxPixels, long decodePixels) {
    /** 64 MiB of encoded image. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** 250 megapixels declared. */
    public static final long DEFAULT_MAX_PIXELS = 250_000_000L;
    /** 4 megapixels decoded. */
    public static final long DEFAULT_DECODE_PIXELS = 4_000_000L;

    /** @throws IllegalArgumentException if a limit is below 1, or {@code decodePixels > maxPixels} */
    public ImageLimits {
        if (maxBytes < 1 || maxPixels < 1 || decodePixels < 1) {
            throw new IllegalArgumentException("Image limits must be at least 1: maxBytes " + maxBytes
                    + ", maxPixels " + maxPixels + ", decodePixels " + decodePixels);
        }
        if (decodePixels > maxPixels) {
            throw new IllegalArgumentException("decodePixels (" + decodePixels + ") cannot exceed maxPixels ("
                    + maxPixels + ")");
        }
    }

    /** The defaults in the table above. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_DECODE_PIXELS);
    }

    /** These limits with another {@link #maxBytes()}. */
    public ImageLimits withMaxBytes(long bytes) {
        return new ImageLimits(bytes, maxPixels, decodePixels);
    }

    /** These limits with another {@link #maxPixels()}; {@link #decodePixels()} is lowered to it if above. */
    public ImageLimits withMaxPixels(long pixels) {
        return new ImageLimits(maxBytes, pixels, Math.min(decodePixels, pixels));
    }

    /** These limits with another {@link #decodePixels()}. */
    public ImageLimits withDecodePixels(long pixels) {
        return new ImageLimits(maxBytes, maxPixels, pixels);
    }
}
