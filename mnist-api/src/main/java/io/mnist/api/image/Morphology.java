package io.mnist.api.image;

/**
 * Grey-level morphology with square structuring elements, separable into rows and columns, each pass in constant
 * time per pixel whatever the element's size (van Herk 1992; Gil and Werman 1993): the running minimum or maximum
 * over blocks of the window's length, forwards and backwards.
 */
final class Morphology {
    private Morphology() {
    }

    /** Erosion: each value the minimum over the {@code side x side} square centred on it (clipped at the edges). */
    static Plane erode(Plane p, int side) {
        return filter(p, side, true);
    }

    /** Dilation: each value the maximum over the {@code side x side} square centred on it (clipped at the edges). */
    static Plane dilate(Plane p, int side) {
        return filter(p, side, false);
    }

    /** Opening: erosion then dilation. Never above the input; removes bright structures narrower than the square. */
    static Plane open(Plane p, int side) {
        return dilate(erode(p, side), side);
    }

    /**
     * Opening of the image continued beyond its frame by repeating its edge rows and columns ({@code side / 2} of
     * them), then cut back to the frame. A broad region that meets the frame at a slant (a shadow's edge) fits
     * squares there as it would inside; with the frame as a hard end it leaves a sliver.
     */
    static Plane openExtended(Plane p, int side) {
        int pad = side / 2;
        int w = p.width();
        int h = p.height();
        int pw = w + 2 * pad;
        int ph = h + 2 * pad;
        float[] v = p.values();
        float[] padded = new float[pw * ph];
        for (int y = 0; y < ph; y++) {
            int sy = Math.min(h - 1, Math.max(0, y - pad));
            for (int x = 0; x < pw; x++) {
                padded[y * pw + x] = v[sy * w + Math.min(w - 1, Math.max(0, x - pad))];
            }
        }
        float[] opened = open(new Plane(pw, ph, padded), side).values();
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(opened, (y + pad) * pw + pad, out, y * w, w);
        }
        return new Plane(w, h, out);
    }

    private static Plane filter(Plane p, int side, boolean min) {
        if (side < 1) {
            throw new IllegalArgumentException("A structuring element's side is at least 1, not " + side);
        }
        int w = p.width();
        int h = p.height();
        float[] rows = new float[w * h];
        float[] line = new float[Math.max(w, h)];
        float[] out = new float[Math.max(w, h)];
        float[] forward = new float[Math.max(w, h) + side];
        float[] backward = new float[Math.max(w, h) + side];
        float[] v = p.values();
        for (int y = 0; y < h; y++) {
            System.arraycopy(v, y * w, line, 0, w);
            run(line, w, side, min, out, forward, backward);
            System.arraycopy(out, 0, rows, y * w, w);
        }
        float[] result = new float[w * h];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                line[y] = rows[y * w + x];
            }
            run(line, h, side, min, out, forward, backward);
            for (int y = 0; y < h; y++) {
                result[y * w + x] = out[y];
            }
        }
        return new Plane(w, h, result);
    }

    /**
     * {@code out[i]} = min (or max) of {@code in[i - side/2 .. i + (side-1)/2]}, positions outside the line left out.
     * The line is padded at both ends with the neutral value, then split into blocks of {@code side}; within each
     * block a forward and a backward running extreme give any window's extreme as two lookups.
     */
    private static void run(float[] in, int n, int side, boolean min, float[] out, float[] forward, float[] backward) {
        if (side == 1) {
            System.arraycopy(in, 0, out, 0, n);
            return;
        }
        // Two specialised loops rather than one with a min/max switch per value, and block ends counted rather than
        // found by a remainder per value: this is most of preprocessing's time on a scan.
        if (min) {
            runMin(in, n, side, out, forward, backward);
        } else {
            runMax(in, n, side, out, forward, backward);
        }
    }

    private static void runMin(float[] in, int n, int side, float[] out, float[] forward, float[] backward) {
        int before = side / 2;
        int length = n + side - 1; // padded: before + n + after
        fill(in, n, before, length, Float.POSITIVE_INFINITY, backward);
        float running = 0;
        for (int i = 0, k = 0; i < length; i++, k++) {
            float value = backward[i];
            if (k == side) {
                k = 0;
            }
            running = k == 0 || value < running ? value : running;
            forward[i] = running;
        }
        for (int i = length - 1, k = (length - 1) % side; i >= 0; i--, k--) {
            if (k < 0) {
                k = side - 1;
            }
            float value = backward[i];
            running = i == length - 1 || k == side - 1 || value < running ? value : running;
            backward[i] = running;
        }
        for (int i = 0; i < n; i++) {
            float a = backward[i];
            float b = forward[i + side - 1];
            out[i] = a < b ? a : b;
        }
    }

    private static void runMax(float[] in, int n, int side, float[] out, float[] forward, float[] backward) {
        int before = side / 2;
        int length = n + side - 1;
        fill(in, n, before, length, Float.NEGATIVE_INFINITY, backward);
        float running = 0;
        for (int i = 0, k = 0; i < length; i++, k++) {
            float value = backward[i];
            if (k == side) {
                k = 0;
            }
            running = k == 0 || value > running ? value : running;
            forward[i] = running;
        }
        for (int i = length - 1, k = (length - 1) % side; i >= 0; i--, k--) {
            if (k < 0) {
                k = side - 1;
            }
            float value = backward[i];
            running = i == length - 1 || k == side - 1 || value > running ? value : running;
            backward[i] = running;
        }
        for (int i = 0; i < n; i++) {
            float a = backward[i];
            float b = forward[i + side - 1];
            out[i] = a > b ? a : b;
        }
    }

    /** The line padded with {@code neutral}: {@code before} values, the line, then the rest up to {@code length}. */
    private static void fill(float[] in, int n, int before, int length, float neutral, float[] padded) {
        java.util.Arrays.fill(padded, 0, before, neutral);
        System.arraycopy(in, 0, padded, before, n);
        java.util.Arrays.fill(padded, before + n, length, neutral);
    }
}
