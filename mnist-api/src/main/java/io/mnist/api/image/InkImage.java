package io.mnist.api.image;

import io.mnist.api.DigitImage;
import io.mnist.api.EmptyImageException;
import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An image reduced to its ink, the first half of preprocessing shared by single digits and whole numbers.
 * <ol>
 *   <li>ink map: luminance, or the alpha channel where the image is largely transparent (a canvas export);</li>
 *   <li>polarity from the border: a light border means dark ink on light paper, which is inverted;</li>
 *   <li>background (the border's median) removed and contrast stretched; Otsu's threshold separates ink from
 *       paper, and faint ink below half the threshold is dropped;</li>
 *   <li>the ink split into 8-connected components, so specks of noise can be told from strokes.</li>
 * </ol>
 * {@link #digit(List, Rectangle)} then does what MNIST's makers did to each digit: crop to the ink, scale into
 * 20x20 keeping the aspect ratio (area averaging), and centre the centre of mass in 28x28.
 */
public final class InkImage {
    /** The side of the box a digit is scaled into, as in MNIST. */
    static final int BOX = 20;
    private static final double MIN_CONTRAST = 0.08;
    /** The least threshold, as a share of the strongest ink: below it lies paper texture, not ink. */
    private static final float MIN_THRESHOLD = 0.1f;
    /** Cells per side of the grid the paper's brightness is estimated on. */
    private static final int GRID = 16;
    /** Components smaller than this share of the largest are specks of noise, not strokes. */
    private static final double SPECK = 0.04;

    private final int width;
    private final int height;
    private final float[] ink;
    private final int[] labels;
    private final List<Component> components;

    /**
     * One connected piece of ink.
     *
     * @param id     its label in {@link #labelAt(int, int)}
     * @param bounds its bounding box
     * @param area   its pixels above the threshold
     */
    public record Component(int id, Rectangle bounds, int area) {
    }

    private InkImage(int width, int height, float[] ink, int[] labels, List<Component> components) {
        this.width = width;
        this.height = height;
        this.ink = ink;
        this.labels = labels;
        this.components = components;
    }

    /**
     * Finds the ink in {@code image}.
     *
     * @throws EmptyImageException if the image is one flat colour
     * @throws IllegalArgumentException if it has no pixels
     */
    public static InkImage of(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth();
        int h = image.getHeight();
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException("The image has no pixels (" + w + "x" + h + ")");
        }
        float[] ink = inkMap(image);
        float max = removeBackground(ink, w, h);
        if (max < MIN_CONTRAST) {
            throw new EmptyImageException("The image (" + w + "x" + h + ") holds no ink: it is one flat colour."
                    + " Send a dark digit on light paper or a light digit on a dark background.");
        }
        int[] hist = new int[256];
        for (int i = 0; i < ink.length; i++) {
            float v = ink[i] / max;
            ink[i] = v;
            hist[bin(v)]++;
        }
        float threshold = otsu(hist, ink.length);
        // Ink above the threshold is marked for labelling; fainter ink stays in the image but joins no component.
        int[] labels = new int[ink.length];
        float floor = threshold / 2;
        for (int i = 0; i < ink.length; i++) {
            float v = ink[i];
            if (v > threshold) {
                labels[i] = UNLABELLED;
            }
            ink[i] = v <= floor ? 0f : Math.min(1f, (v - floor) / (1f - floor));
        }
        List<Component> all = label(labels, w, h);
        int largest = all.stream().mapToInt(Component::area).max().orElse(0);
        List<Component> kept = new ArrayList<>();
        for (Component c : all) {
            if (c.area() >= Math.max(2, SPECK * largest)) {
                kept.add(c);
            }
        }
        return new InkImage(w, h, ink, labels, List.copyOf(kept));
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The strokes, specks of noise left out, in no particular order. */
    public List<Component> components() {
        return components;
    }

    /** The component label of a pixel (0 for paper). */
    public int labelAt(int x, int y) {
        return labels[y * width + x];
    }

    /** Ink at a pixel in [0, 1]. */
    public float inkAt(int x, int y) {
        return ink[y * width + x];
    }

    /** The bounding box of the given components. */
    public static Rectangle bounds(List<Component> parts) {
        Rectangle r = new Rectangle(parts.get(0).bounds());
        for (Component c : parts) {
            r.add(c.bounds());
        }
        return r;
    }

    /** All the strokes as one digit. */
    public DigitImage digit() {
        return digit(components, bounds(components));
    }

    /**
     * The digit made of {@code parts}, limited to {@code within}: ink of other components is left out, the rest is
     * cropped to its bounding box, scaled into 20x20 and centred by its centre of mass in 28x28.
     */
    public DigitImage digit(List<Component> parts, Rectangle within) {
        boolean[] keep = new boolean[components.stream().mapToInt(Component::id).max().orElse(0) + 1];
        for (Component c : parts) {
            keep[c.id()] = true;
        }
        Rectangle area = within.intersection(new Rectangle(0, 0, width, height));
        // The crop: the box around this digit's strokes inside the region.
        int x0 = width;
        int y0 = height;
        int x1 = -1;
        int y1 = -1;
        for (int y = area.y; y < area.y + area.height; y++) {
            for (int x = area.x; x < area.x + area.width; x++) {
                int id = labels[y * width + x];
                if (id > 0 && id < keep.length && keep[id]) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (x1 < 0) {
            throw new EmptyImageException("No ink in the region " + within + " of the image");
        }
        int cw = x1 - x0 + 1;
        int ch = y1 - y0 + 1;
        // Only the crop is copied (a number in a large photo makes one small array per digit), holding this digit's
        // ink alone, lifted for scaling (LIFT).
        float[] crop = new float[cw * ch];
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                int i = y * width + x;
                int id = labels[i];
                if (ink[i] > 0 && (id > 0 ? id < keep.length && keep[id] : nearest(x, y, keep))) {
                    crop[(y - y0) * cw + x - x0] = LIFT[Math.round(ink[i] * 255)];
                }
            }
        }
        double scale = (double) BOX / Math.max(cw, ch);
        int sw = Math.max(1, (int) Math.round(cw * scale));
        int sh = Math.max(1, (int) Math.round(ch * scale));
        return centre(scale(crop, cw, ch, sw, sh), sw, sh);
    }

    /** Faint ink next to a kept stroke (its anti-aliased edge) belongs to it. */
    private boolean nearest(int x, int y, boolean[] keep) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx;
                int ny = y + dy;
                if (nx >= 0 && ny >= 0 && nx < width && ny < height) {
                    int id = labels[ny * width + nx];
                    if (id > 0 && id < keep.length && keep[id]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Subtracts the paper's brightness under the ink from every pixel (none below 0), so uneven light (a shadow, a
     * lamp to one side) is not taken for ink, and returns the strongest ink left. The median of each cell of a
     * {@value #GRID}x{@value #GRID} grid is the paper's brightness there, unless ink fills most of the cell; a
     * smooth surface (quadratic in x and y) is fitted to the cells by least squares, leaving out, round after round,
     * the cells far brighter than the fit: those hold ink. Too few cells for a fit: the border's median is the
     * paper everywhere.
     */
    private static float removeBackground(float[] v, int w, int h) {
        int gw = Math.min(GRID, w);
        int gh = Math.min(GRID, h);
        int n = gw * gh;
        double[][] terms = new double[n][];
        double[] z = new double[n];
        // One buffer for every cell: cells differ in size by at most one pixel per side.
        double[] cell = new double[(w / gw + 1) * (h / gh + 1)];
        for (int cy = 0; cy < gh; cy++) {
            for (int cx = 0; cx < gw; cx++) {
                int x0 = cx * w / gw;
                int x1 = Math.max(x0 + 1, (cx + 1) * w / gw);
                int y0 = cy * h / gh;
                int y1 = Math.max(y0 + 1, (cy + 1) * h / gh);
                int k = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        cell[k++] = v[y * w + x];
                    }
                }
                z[cy * gw + cx] = select(cell, k, k / 2);
                terms[cy * gw + cx] = quadratic((x0 + x1) / 2.0 / w - 0.5, (y0 + y1) / 2.0 / h - 0.5);
            }
        }
        boolean[] paper = new boolean[n];
        Arrays.fill(paper, true);
        double[] fit = null;
        for (int round = 0; round < 5; round++) {
            double[] next = leastSquares(terms, z, paper);
            if (next == null) {
                break;
            }
            fit = next;
            double[] residual = new double[n];
            for (int i = 0; i < n; i++) {
                residual[i] = z[i] - dot(fit, terms[i]);
            }
            double mid = select(residual.clone(), n, n / 2);
            double[] deviation = new double[n];
            for (int i = 0; i < n; i++) {
                deviation[i] = Math.abs(residual[i] - mid);
            }
            double spread = Math.max(0.01, 1.4826 * select(deviation, n, n / 2));
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                boolean isPaper = residual[i] <= mid + 2.5 * spread;
                changed |= isPaper != paper[i];
                paper[i] = isPaper;
            }
            if (!changed) {
                break; // the same cells give the same fit: further rounds would change nothing
            }
        }
        if (fit == null) {
            // A flat surface at the border's median: every term but the constant is 0 and adds nothing below.
            fit = new double[] {median(border(v, w, h)), 0, 0, 0, 0, 0};
        }
        double[] fxs = new double[w];
        for (int x = 0; x < w; x++) {
            fxs[x] = (x + 0.5) / w - 0.5;
        }
        // The surface is dot(fit, quadratic(fx, fy)), summed term by term in that order; the terms that depend on x
        // alone are computed once per column, those on y alone once per row, which leaves the same sums (floating
        // point is not reassociated) at a third of the work per pixel.
        float max = 0;
        double[] first = new double[w];
        double[] square = new double[w];
        for (int x = 0; x < w; x++) {
            first[x] = 0 + fit[0] * 1 + fit[1] * fxs[x];
            square[x] = fit[3] * (fxs[x] * fxs[x]);
        }
        for (int y = 0; y < h; y++) {
            double fy = (y + 0.5) / h - 0.5;
            double linear = fit[2] * fy;
            double squared = fit[5] * (fy * fy);
            for (int x = 0, i = y * w; x < w; x++, i++) {
                float under = (float) (first[x] + linear + square[x] + fit[4] * (fxs[x] * fy) + squared);
                float left = v[i] - under;
                v[i] = left > 0f ? left : 0f;
                if (left > max) {
                    max = left;
                }
            }
        }
        return max;
    }

    private static double[] quadratic(double x, double y) {
        return new double[] {1, x, y, x * x, x * y, y * y};
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Least-squares coefficients over the rows where {@code use} is true, or null if too few or singular. */
    private static double[] leastSquares(double[][] terms, double[] z, boolean[] use) {
        int m = terms[0].length;
        double[][] a = new double[m][m + 1];
        int rows = 0;
        for (int i = 0; i < terms.length; i++) {
            if (!use[i]) {
                continue;
            }
            rows++;
            double[] t = terms[i];
            // The normal matrix is symmetric: its upper half is summed, the lower half copied after.
            for (int r = 0; r < m; r++) {
                double[] row = a[r];
                for (int c = r; c < m; c++) {
                    row[c] += t[r] * t[c];
                }
                row[m] += t[r] * z[i];
            }
        }
        if (rows < 2 * m) {
            return null;
        }
        for (int r = 1; r < m; r++) {
            for (int c = 0; c < r; c++) {
                a[r][c] = a[c][r];
            }
        }
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            if (Math.abs(a[col][col]) < 1e-12) {
                return null;
            }
            for (int r = 0; r < m; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= m; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] out = new double[m];
        for (int r = 0; r < m; r++) {
            out[r] = a[r][m] / a[r][r];
        }
        return out;
    }

    /** Marks ink not yet labelled, in {@code labels} before {@link #label}. */
    private static final int UNLABELLED = -1;

    /**
     * Labels the 8-connected components of the pixels marked {@link #UNLABELLED} in {@code labels} from 1 (0 stays
     * paper). A component's pixels, area and box do not depend on the order it is filled in.
     */
    private static List<Component> label(int[] labels, int w, int h) {
        List<Component> out = new ArrayList<>();
        int[] stack = new int[64];
        int[] around = {-w - 1, -w, -w + 1, -1, 1, w - 1, w, w + 1};
        int next = 1;
        for (int start = 0; start < labels.length; start++) {
            if (labels[start] != UNLABELLED) {
                continue;
            }
            int id = next++;
            int top = 0;
            stack[top++] = start;
            labels[start] = id;
            int area = 0;
            int x0 = w;
            int y0 = h;
            int x1 = -1;
            int y1 = -1;
            while (top > 0) {
                int p = stack[--top];
                int px = p % w;
                int py = p / w;
                area++;
                x0 = Math.min(x0, px);
                x1 = Math.max(x1, px);
                y0 = Math.min(y0, py);
                y1 = Math.max(y1, py);
                if (top + around.length > stack.length) {
                    stack = Arrays.copyOf(stack, 2 * stack.length + around.length);
                }
                if (px > 0 && py > 0 && px < w - 1 && py < h - 1) {
                    for (int d : around) {
                        if (labels[p + d] == UNLABELLED) {
                            labels[p + d] = id;
                            stack[top++] = p + d;
                        }
                    }
                    continue;
                }
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = px + dx;
                        int ny = py + dy;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h && labels[ny * w + nx] == UNLABELLED) {
                            labels[ny * w + nx] = id;
                            stack[top++] = ny * w + nx;
                        }
                    }
                }
            }
            out.add(new Component(id, new Rectangle(x0, y0, x1 - x0 + 1, y1 - y0 + 1), area));
        }
        return out;
    }

    /** Ink intensity per pixel in [0, 1], before polarity is decided: luminance or, for cut-outs, opacity. */
    private static float[] inkMap(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
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
            return darkOnLightInverted(lum, w, h);
        }
        int[] argb = argb(image);
        float[] lum = new float[argb.length];
        boolean alpha = cm.hasAlpha();
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
            lum[i] = luminance(argb[i]);
        }
        return darkOnLightInverted(lum, w, h);
    }

    private static float luminance(int p) {
        return (0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
    }

    /** Luminance as ink: inverted where the border is light (dark ink on light paper). */
    private static float[] darkOnLightInverted(float[] lum, int w, int h) {
        if (median(border(lum, w, h)) > 0.5f) {
            for (int i = 0; i < lum.length; i++) {
                lum[i] = 1f - lum[i];
            }
        }
        return lum;
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
        double[] copy = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            copy[i] = v[i];
        }
        return (float) select(copy, v.length, v.length / 2);
    }

    /**
     * The {@code k}-th smallest of the first {@code n} values (Hoare's selection, expected linear time); reorders
     * them.
     */
    static double select(double[] v, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            double pivot = v[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (v[i] < pivot) {
                    i++;
                }
                while (v[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = v[i];
                    v[i++] = v[j];
                    v[j--] = t;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                break;
            }
        }
        return v[k];
    }

    /** The bin of Otsu's 256-bin histogram a value in [0, 1] falls in. */
    private static int bin(float v) {
        return Math.min(255, (int) (v * 255));
    }

    /** Otsu's threshold over a 256-bin histogram ({@link #bin}) of {@code total} values in [0, 1]. */
    static float otsu(int[] hist, long total) {
        double sum = 0;
        for (int i = 0; i < 256; i++) {
            sum += (double) i * hist[i];
        }
        double sumB = 0;
        long wB = 0;
        double best = -1;
        int threshold = 0;
        int last = 0;
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
            if (between > best * (1 + 1e-9)) {
                best = between;
                threshold = t;
                last = t;
            } else if (between >= best * (1 - 1e-9)) {
                last = t;
            }
        }
        // Where several thresholds separate equally well (an empty stretch of the histogram), take the middle.
        return Math.max(MIN_THRESHOLD, ((threshold + last) / 2 + 0.5f) / 255f);
    }

    /**
     * Ink levels as they enter the scaling: each 8-bit level through Java's grey-to-sRGB curve, which lifts the
     * faint anti-aliased edge of a stroke (level 64 becomes 137). Strokes come out of the 20x20 box as full as
     * MNIST's; scaling the linear levels instead lost 4 to 8 of 300 held-out paper and font images per model.
     */
    private static final float[] LIFT = lift();

    private static float[] lift() {
        ColorModel grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY).getColorModel();
        float[] out = new float[256];
        for (int v = 0; v < 256; v++) {
            out[v] = (grey.getRGB(new byte[] {(byte) v}) & 0xFF) / 255f;
        }
        return out;
    }

    /**
     * Area averaging, as MNIST's makers scaled each digit into its box: every output pixel is the mean of the
     * (lifted) ink over the part of the crop it covers, partly covered pixels counting by the share covered. Done
     * in two passes, rows then columns.
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
