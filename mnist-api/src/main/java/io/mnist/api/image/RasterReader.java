package io.mnist.api.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * Stage 1 of preprocessing, reading the raster: an image of any layout becomes its luminance and, where it has
 * any, its opacity, each in [0, 1].
 */
final class RasterReader {
    private RasterReader() {
    }

    /**
     * What the later stages need of an image's pixels.
     *
     * @param luminance Rec. 601 luma of each pixel's colour (its opacity ignored), 0 black to 1 white
     * @param alpha     each pixel's opacity, 0 transparent to 1 opaque; null for images without an alpha channel
     */
    record Channels(Plane luminance, Plane alpha) {
    }

    static Channels read(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        if (isGrey(cm, image.getRaster().getNumBands())) {
            // A grey image's samples are its levels as encoded (PNG and JPEG grey are gamma-encoded like sRGB), as
            // every other reader takes them. Java's grey colour space is linear, so asking the colour model would
            // brighten every mid-grey (64 of 255 becomes 137) and change an MNIST digit stored as PNG.
            float top = (1 << cm.getComponentSize(0)) - 1;
            WritableRaster raster = image.getRaster();
            float[] lum = new float[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    lum[y * w + x] = row[x] / top;
                }
            }
            return new Channels(new Plane(w, h, lum), null);
        }
        int[] lut = cm.hasAlpha() ? null : lookup(cm, image.getRaster().getNumBands());
        if (lut != null) {
            // Grey or a palette without transparency: luminance per sample value, then one pass over the samples.
            float[] levels = new float[lut.length];
            for (int v = 0; v < lut.length; v++) {
                levels[v] = luminance(lut[v]);
            }
            SampleRows rows = new SampleRows(image.getRaster());
            float[] lum = new float[w * h];
            for (int y = 0, i = 0; y < h; y++) {
                int[] row = rows.row(y);
                for (int x = 0; x < w; x++, i++) {
                    lum[i] = levels[row[x]];
                }
            }
            return new Channels(new Plane(w, h, lum), null);
        }
        int[] argb = argb(image);
        float[] lum = new float[argb.length];
        for (int i = 0; i < argb.length; i++) {
            lum[i] = luminance(argb[i]);
        }
        float[] alpha = null;
        if (cm.hasAlpha()) {
            alpha = new float[argb.length];
            for (int i = 0; i < argb.length; i++) {
                alpha[i] = (argb[i] >>> 24) / 255f;
            }
        }
        return new Channels(new Plane(w, h, lum), alpha == null ? null : new Plane(w, h, alpha));
    }

    /** One band of grey samples, without alpha, of 8 or 16 bits. */
    private static boolean isGrey(ColorModel cm, int bands) {
        return cm instanceof ComponentColorModel && bands == 1 && !cm.hasAlpha()
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && (cm.getComponentSize(0) == 8 || cm.getComponentSize(0) == 16);
    }

    static float luminance(int p) {
        return (0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
    }

    /**
     * For one-band images of at most 8 bits (grey, palettes): each sample value's ARGB, as the colour model gives
     * it; null for other images.
     */
    private static int[] lookup(ColorModel cm, int bands) {
        Lookup last = lastLookup;
        if (last != null && last.bands == bands && last.model.equals(cm)) {
            return last.argb;
        }
        int[] lut = newLookup(cm, bands);
        if (lut != null) {
            lastLookup = new Lookup(cm, bands, lut);
        }
        return lut;
    }

    /**
     * The last table {@link #lookup} built: images of one kind (every greyscale scan, say) share a colour model, and
     * asking it for 256 colours takes longer than the rest of reading a small image. Read-only once published.
     */
    private record Lookup(ColorModel model, int bands, int[] argb) {
    }

    private static volatile Lookup lastLookup;

    private static int[] newLookup(ColorModel cm, int bands) {
        boolean bytes = Arrays.stream(cm.getComponentSize()).allMatch(bits -> bits == 8);
        boolean grey = cm instanceof ComponentColorModel && bands == 1 && bytes
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        boolean palette = cm instanceof IndexColorModel && bands == 1 && cm.getPixelSize() <= 8;
        if (!grey && !palette) {
            return null;
        }
        int[] lut = new int[256];
        for (int v = 0; v < (palette ? ((IndexColorModel) cm).getMapSize() : 256); v++) {
            lut[v] = palette ? cm.getRGB(v) : cm.getRGB(new byte[] {(byte) v});
        }
        return lut;
    }

    /**
     * The pixels as {@link BufferedImage#getRGB(int, int, int, int, int[], int, int)} gives them, without its
     * per-pixel colour conversion where the layout is a common one: 8-bit sRGB (packed or interleaved, with or
     * without alpha), 8-bit grey and palettes are read from the raster and mapped exactly as the colour model maps
     * them; anything else goes through {@code getRGB}.
     */
    static int[] argb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        WritableRaster raster = image.getRaster();
        int bands = raster.getNumBands();
        boolean bytes = Arrays.stream(cm.getComponentSize()).allMatch(bits -> bits == 8);
        boolean srgb = cm.getColorSpace().isCS_sRGB() && bytes && !cm.isAlphaPremultiplied()
                && (cm instanceof DirectColorModel || cm instanceof ComponentColorModel);
        int[] out = new int[w * h];
        if (srgb && (bands == 3 || bands == 4 && cm.hasAlpha())) {
            int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
            for (int i = 0, k = 0; i < out.length; i++, k += bands) {
                int alpha = bands == 4 ? samples[k + 3] : 0xFF;
                out[i] = alpha << 24 | samples[k] << 16 | samples[k + 1] << 8 | samples[k + 2];
            }
            return out;
        }
        int[] lut = lookup(cm, bands);
        if (lut != null) {
            SampleRows rows = new SampleRows(raster);
            for (int y = 0, i = 0; y < h; y++) {
                int[] row = rows.row(y);
                for (int x = 0; x < w; x++, i++) {
                    out[i] = lut[row[x]];
                }
            }
            return out;
        }
        return image.getRGB(0, 0, w, h, out, 0, w);
    }

    /**
     * The sample values of a one-band raster, a row at a time into one reused array; where the raster holds one
     * byte per pixel (8-bit grey, byte palettes) each row is copied whole rather than sample by sample.
     */
    private static final class SampleRows {
        private final WritableRaster raster;
        private final int[] row;
        private final byte[] bytes;

        SampleRows(WritableRaster raster) {
            this.raster = raster;
            this.row = new int[raster.getWidth()];
            this.bytes = raster.getSampleModel() instanceof ComponentSampleModel
                    && raster.getTransferType() == DataBuffer.TYPE_BYTE ? new byte[row.length] : null;
        }

        int[] row(int y) {
            if (bytes == null) {
                return raster.getSamples(0, y, row.length, 1, 0, row);
            }
            raster.getDataElements(0, y, row.length, 1, bytes);
            for (int x = 0; x < row.length; x++) {
                row[x] = bytes[x] & 0xFF;
            }
            return row;
        }
    }
}
