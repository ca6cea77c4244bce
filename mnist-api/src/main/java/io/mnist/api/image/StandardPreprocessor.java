package io.mnist.api.image;

import io.mnist.api.DigitImage;
import io.mnist.api.EmptyImageException;
import io.mnist.api.ImagePreprocessor;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Objects;

/**
 * The default preprocessor: reproduces how MNIST itself was made, from whatever image the user has.
 * <ol>
 *   <li>ink map: luminance, or the alpha channel where the image is largely transparent (a canvas export);</li>
 *   <li>polarity from the border: a light border means dark ink on light paper, which is inverted;</li>
 *   <li>background removed and contrast stretched; Otsu's threshold separates ink from paper;</li>
 *   <li>crop to the ink's bounding box, scale into 20x20 keeping the aspect ratio (area averaging);</li>
 *   <li>place in 28x28 so the centre of mass sits at the centre.</li>
 * </ol>
 */
public final class StandardPreprocessor implements ImagePreprocessor {
    /** The shared instance; the preprocessor holds no state. */
    public static final StandardPreprocessor INSTANCE = new StandardPreprocessor();

    private static final int BOX = 20;
    private static final double MIN_CONTRAST = 0.08;

    private StandardPreprocessor() {
    }

    @Override
    public DigitImage preprocess(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth();
        int h = image.getHeight();
        float[] ink = inkMap(image);
        float background = median(border(ink, w, h));
        float max = 0;
        for (float v : ink) {
            max = Math.max(max, v);
        }
        if (max - background < MIN_CONTRAST) {
            throw new EmptyImageException("The image (" + w + "x" + h + ") holds no ink: it is one flat colour."
                    + " Send a dark digit on light paper or a light digit on a dark background.");
        }
        for (int i = 0; i < ink.length; i++) {
            ink[i] = Math.max(0f, (ink[i] - background) / (max - background));
        }
        float threshold = otsu(ink);
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (ink[y * w + x] > threshold) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        float floor = threshold / 2;
        for (int i = 0; i < ink.length; i++) {
            ink[i] = ink[i] <= floor ? 0f : Math.min(1f, (ink[i] - floor) / (1f - floor));
        }
        int cw = x1 - x0 + 1;
        int ch = y1 - y0 + 1;
        double scale = (double) BOX / Math.max(cw, ch);
        int sw = Math.max(1, (int) Math.round(cw * scale));
        int sh = Math.max(1, (int) Math.round(ch * scale));
        float[] box = scale(ink, w, x0, y0, cw, ch, sw, sh);
        return centre(box, sw, sh);
    }

    /** Ink intensity per pixel in [0, 1], before polarity is decided: luminance or, for cut-outs, opacity. */
    private static float[] inkMap(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] lum = new float[argb.length];
        boolean alpha = image.getColorModel().hasAlpha();
        int transparent = 0;
        for (int i = 0; i < argb.length; i++) {
            if (alpha && (argb[i] >>> 24) < 128) {
                transparent++;
            }
        }
        if (alpha && transparent > argb.length / 10) {
            for (int i = 0; i < argb.length; i++) {
                lum[i] = (argb[i] >>> 24) / 255f;
            }
            return lum;
        }
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            lum[i] = (0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
        }
        float[] borderValues = border(lum, w, h);
        if (median(borderValues) > 0.5f) {
            for (int i = 0; i < lum.length; i++) {
                lum[i] = 1f - lum[i];
            }
        }
        return lum;
    }

    private static float[] border(float[] v, int w, int h) {
        int n = h == 1 || w == 1 ? w * h : 2 * w + 2 * (h - 2);
        float[] out = new float[n];
        int k = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
                    out[k++] = v[y * w + x];
                }
            }
        }
        return Arrays.copyOf(out, k);
    }

    private static float median(float[] v) {
        float[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Otsu's threshold over 256 bins of values in [0, 1]. */
    static float otsu(float[] v) {
        int[] hist = new int[256];
        for (float x : v) {
            hist[Math.min(255, (int) (x * 255))]++;
        }
        long total = v.length;
        double sum = 0;
        for (int i = 0; i < 256; i++) {
            sum += (double) i * hist[i];
        }
        double sumB = 0;
        long wB = 0;
        double best = -1;
        int threshold = 0;
        for (int t = 0; t < 256; t++) {
            wB += hist[t];
            if (wB == 0) {
                continue;
            }
            long wF = total - wB;
            if (wF == 0) {
                break;
            }
            sumB += (double) t * hist[t];
            double mB = sumB / wB;
            double mF = (sum - sumB) / wF;
            double between = (double) wB * wF * (mB - mF) * (mB - mF);
            if (between > best) {
                best = between;
                threshold = t;
            }
        }
        return (threshold + 0.5f) / 255f;
    }

    private static float[] scale(float[] ink, int w, int x0, int y0, int cw, int ch, int sw, int sh) {
        BufferedImage crop = new BufferedImage(cw, ch, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((java.awt.image.DataBufferByte) crop.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                data[y * cw + x] = (byte) Math.round(ink[(y0 + y) * w + x0 + x] * 255);
            }
        }
        BufferedImage scaled = new BufferedImage(sw, sh, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = scaled.createGraphics();
        g.drawImage(crop.getScaledInstance(sw, sh, Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        byte[] out = ((java.awt.image.DataBufferByte) scaled.getRaster().getDataBuffer()).getData();
        float[] box = new float[sw * sh];
        for (int i = 0; i < box.length; i++) {
            box[i] = (out[i] & 0xFF) / 255f;
        }
        return box;
    }

    /** Places the box in 28x28 with its centre of mass at the centre, kept inside the frame. */
    private static DigitImage centre(float[] box, int sw, int sh) {
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                float v = box[y * sw + x];
                mass += v;
                mx += v * x;
                my += v * y;
            }
        }
        double cx = mass > 0 ? mx / mass : (sw - 1) / 2.0;
        double cy = mass > 0 ? my / mass : (sh - 1) / 2.0;
        int size = DigitImage.SIZE;
        int ox = clamp((int) Math.round((size - 1) / 2.0 - cx), 0, size - sw);
        int oy = clamp((int) Math.round((size - 1) / 2.0 - cy), 0, size - sh);
        float[] pixels = new float[DigitImage.PIXELS];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                pixels[(oy + y) * size + ox + x] = Math.min(1f, Math.max(0f, box[y * sw + x]));
            }
        }
        return DigitImage.of(pixels);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
