package io.mnist.api.image;

import io.mnist.api.DigitImage;
import io.mnist.api.EmptyImageException;
import java.awt.Rectangle;

/**
 * Stage 6 of preprocessing, crop, scale and centre, as MNIST's makers framed each digit (LeCun, Cortes and Burges,
 * "The MNIST database"): the digit's ink is cropped to its bounding box, scaled so its longer side is 20 pixels
 * (keeping the aspect ratio, by area averaging), and placed in 28x28 with its centre of mass at the centre.
 *
 * <p>One step MNIST did not need: strokes thinner than MNIST's are thickened before scaling. A 1-pixel pen on a
 * 300-pixel canvas would otherwise shrink to a twentieth of a pixel and arrive as a faint grey trace; it is dilated
 * so that, once scaled, its width is that of a typical MNIST stroke. Stroke width is estimated as the ink's area over
 * half its outline (a stroke of width w and length L has area wL and outline about 2L). An image already in MNIST's
 * form (long side 20, strokes as wide as MNIST's) comes through unchanged.
 */
final class DigitFraming {
    /** The side of the box a digit is scaled into, as in MNIST. */
    static final int BOX = 20;
    /**
     * Scaled stroke widths below this are thickened. MNIST's own, by the estimate used here (values of 0.5 and over
     * as the stroke): 1st percentile 1.01, 5th 1.22, median 1.84 pixels (first 2,000 test digits).
     */
    static final double THINNEST = 1.0;
    /** The scaled stroke width thin strokes are thickened to: MNIST's median, by the same estimate. */
    static final double TYPICAL = 1.84;
    /** How far, in pixels, faint ink may lie from a stroke and still be its edge. */
    static final int EDGE = 2;

    private DigitFraming() {
    }

    /**
     * The digit made of the strokes in {@code keep}, within {@code area} of the image.
     *
     * @param ink    ink levels in [0, 1] (0 for paper)
     * @param labels stroke ids per pixel, 0 for paper
     * @param keep   which stroke ids belong to the digit
     * @throws EmptyImageException if none of those strokes has ink inside {@code area}
     */
    static DigitImage frame(Plane ink, int[] labels, boolean[] keep, Rectangle area) {
        int width = ink.width();
        int height = ink.height();
        float[] v = ink.values();
        Rectangle within = area.intersection(new Rectangle(0, 0, width, height));
        int x0 = width;
        int y0 = height;
        int x1 = -1;
        int y1 = -1;
        for (int y = within.y; y < within.y + within.height; y++) {
            for (int x = within.x; x < within.x + within.width; x++) {
                if (belongs(ink, labels, keep, x, y)) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (x1 < 0) {
            throw new EmptyImageException("No ink in the region " + area.x + "," + area.y + " " + area.width + "x"
                    + area.height + " of the image");
        }
        int cw = x1 - x0 + 1;
        int ch = y1 - y0 + 1;
        float[] crop = new float[cw * ch];
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (belongs(ink, labels, keep, x, y)) {
                    crop[(y - y0) * cw + x - x0] = v[y * width + x];
                }
            }
        }
        Plane digit = thickened(new Plane(cw, ch, crop));
        cw = digit.width();
        ch = digit.height();
        double scale = (double) BOX / Math.max(cw, ch);
        int sw = Math.max(1, (int) Math.round(cw * scale));
        int sh = Math.max(1, (int) Math.round(ch * scale));
        return centre(scale(digit.values(), cw, ch, sw, sh), sw, sh);
    }

    /**
     * A pixel of one of the kept strokes, or faint ink within {@value #EDGE} pixels of one: its anti-aliased edge,
     * which MNIST keeps (its digits' boxes include their faintest pixels).
     */
    private static boolean belongs(Plane ink, int[] labels, boolean[] keep, int x, int y) {
        int w = ink.width();
        int id = labels[y * w + x];
        if (id > 0) {
            return id < keep.length && keep[id];
        }
        if (ink.values()[y * w + x] <= 0f) {
            return false;
        }
        for (int dy = -EDGE; dy <= EDGE; dy++) {
            for (int dx = -EDGE; dx <= EDGE; dx++) {
                int nx = x + dx;
                int ny = y + dy;
                if (nx >= 0 && ny >= 0 && nx < w && ny < ink.height()) {
                    int n = labels[ny * w + nx];
                    if (n > 0 && n < keep.length && keep[n]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The stroke width of a digit in pixels: the area of its ink (levels of 0.5 and over) over half the length of
     * its outline, counted as pixel sides between ink and paper.
     */
    static double strokeWidth(Plane p) {
        int w = p.width();
        int h = p.height();
        float[] v = p.values();
        long area = 0;
        long sides = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (v[y * w + x] < 0.5f) {
                    continue;
                }
                area++;
                sides += (x == 0 || v[y * w + x - 1] < 0.5f ? 1 : 0) + (x == w - 1 || v[y * w + x + 1] < 0.5f ? 1 : 0)
                        + (y == 0 || v[(y - 1) * w + x] < 0.5f ? 1 : 0) + (y == h - 1 || v[(y + 1) * w + x] < 0.5f ? 1 : 0);
            }
        }
        return sides == 0 ? 0 : 2.0 * area / sides;
    }

    /**
     * The crop with strokes dilated (by a square) so that, at the scale that brings its longer side to 20 pixels,
     * they are {@link #TYPICAL} wide; the crop as it was if its strokes are at least {@link #THINNEST} wide there.
     */
    static Plane thickened(Plane crop) {
        double stroke = strokeWidth(crop);
        if (stroke <= 0) {
            stroke = 1; // no pixel at half strength: a faint trace one pixel wide
        }
        int longer = Math.max(crop.width(), crop.height());
        if (stroke * BOX / longer >= THINNEST) {
            return crop;
        }
        // Dilating by r grows the crop by 2r as well as the stroke; two rounds settle r.
        int radius = 0;
        for (int round = 0; round < 3; round++) {
            double scale = (double) BOX / (longer + 2 * radius);
            radius = Math.max(0, (int) Math.ceil((TYPICAL / scale - stroke) / 2));
        }
        if (radius == 0) {
            return crop;
        }
        int w = crop.width() + 2 * radius;
        int h = crop.height() + 2 * radius;
        float[] padded = new float[w * h];
        for (int y = 0; y < crop.height(); y++) {
            System.arraycopy(crop.values(), y * crop.width(), padded, (y + radius) * w + radius, crop.width());
        }
        return Morphology.dilate(new Plane(w, h, padded), 2 * radius + 1);
    }

    /**
     * Area averaging, as MNIST's makers scaled each digit into its box: every output pixel is the mean of the ink
     * over the part of the crop it covers, partly covered pixels counting by the share covered. Done in two passes,
     * rows then columns.
     */
    static float[] scale(float[] crop, int cw, int ch, int sw, int sh) {
        float[] rows = new float[ch * sw];
        for (int y = 0; y < ch; y++) {
            average(crop, y * cw, 1, cw, rows, y * sw, 1, sw);
        }
        float[] box = new float[sw * sh];
        for (int x = 0; x < sw; x++) {
            average(rows, x, sw, ch, box, x, sw, sh);
        }
        return box;
    }

    /**
     * Resamples the {@code n} values at {@code from + i * step} to {@code m} values at {@code to + j * toStep}, each
     * the mean over its share {@code [j n / m, (j + 1) n / m)} of the source.
     */
    private static void average(float[] src, int from, int step, int n, float[] dst, int to, int toStep, int m) {
        double span = (double) n / m;
        for (int j = 0; j < m; j++) {
            double lo = j * span;
            double hi = Math.min(n, (j + 1) * span);
            double sum = 0;
            for (int i = (int) lo; i < hi; i++) {
                sum += (Math.min(hi, i + 1) - Math.max(lo, i)) * src[from + i * step];
            }
            dst[to + j * toStep] = (float) (sum / (hi - lo));
        }
    }

    /** Places the box in 28x28 with its centre of mass at (14, 14), kept inside the frame. */
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
        // MNIST put the centre of mass at (14, 14), rounding the shift: so placed, all of its first 2,000 test digits
        // land where they are stored (at 13.5, a quarter of them would move by a pixel).
        int ox = clamp((int) Math.round(size / 2.0 - cx), 0, size - sw);
        int oy = clamp((int) Math.round(size / 2.0 - cy), 0, size - sh);
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
