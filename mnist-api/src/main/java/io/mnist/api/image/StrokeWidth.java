package io.mnist.api.image;

/**
 * The typical width of the strokes in an ink map, before the background is known, so that {@link Background} can
 * take away everything broader than a stroke. A rough mask (Otsu's threshold over the map) is measured with a
 * chessboard distance transform (Rosenfeld and Pfaltz 1966): a pixel on a stroke's centre line (a ridge of the
 * distance map, no neighbour further from the paper) lies {@code d} pixels from its edge in a stroke about
 * {@code 2d - 1} wide. The median over ridge pixels is taken, so the long centre lines of strokes outweigh the
 * short one of a blot caught in the rough mask; specks of noise are left out, and so are pieces that reach the
 * image's edge (a shadow, the edge of a page) when the others have ridges enough to measure.
 */
final class StrokeWidth {
    /**
     * Ridge pixels of pieces clear of the image's edge, as a share of all, from which those pieces alone are
     * measured: a shadow or the dark edge of a page reaches in from outside the picture, a digit seldom does.
     */
    static final double INNER_SHARE = 0.05;
    /** Pieces of the rough mask smaller than this many pixels (or than a speck, see {@link Components}) are noise. */
    static final int MIN_AREA = 9;

    private StrokeWidth() {
    }

    /**
     * The map the rough mask is cut from: on images of {@value Background#SMOOTH_FROM} pixels or more a side, a 3x3
     * mean (paper grain) less the smooth {@link IlluminationSurface} (light falling off across the page).
     */
    private static float[] rough(Plane inkMap) {
        if (Math.min(inkMap.width(), inkMap.height()) < Background.SMOOTH_FROM) {
            return inkMap.values();
        }
        float[] smooth = Background.boxMean3(inkMap).values();
        float[] surface = IlluminationSurface.fit(inkMap).values();
        for (int i = 0; i < smooth.length; i++) {
            smooth[i] -= surface[i];
        }
        return smooth;
    }


    /**
     * The chessboard distance transform, in place: each non-zero value of {@code d} becomes its distance in pixels
     * to the nearest zero, or to outside the image (two passes, Rosenfeld and Pfaltz 1966). Non-zero values must
     * start at least as large as any distance ({@code w + h} will do).
     */
    static void chessboard(int[] d, int w, int h) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (d[i] == 0) {
                    continue;
                }
                int best = x == 0 || y == 0 ? 0 : d[i - w - 1];
                best = Math.min(best, y == 0 ? 0 : d[i - w]);
                best = Math.min(best, y == 0 || x == w - 1 ? 0 : d[i - w + 1]);
                best = Math.min(best, x == 0 ? 0 : d[i - 1]);
                d[i] = Math.min(d[i], best + 1);
            }
        }
        for (int y = h - 1; y >= 0; y--) {
            for (int x = w - 1; x >= 0; x--) {
                int i = y * w + x;
                if (d[i] == 0) {
                    continue;
                }
                int best = x == w - 1 || y == h - 1 ? 0 : d[i + w + 1];
                best = Math.min(best, y == h - 1 ? 0 : d[i + w]);
                best = Math.min(best, y == h - 1 || x == 0 ? 0 : d[i + w - 1]);
                best = Math.min(best, x == w - 1 ? 0 : d[i + 1]);
                d[i] = Math.min(d[i], best + 1);
            }
        }
    }

    /** The strokes' typical width in pixels, at least 1. */
    static int estimate(Plane inkMap) {
        int w = inkMap.width();
        int h = inkMap.height();
        float[] v = rough(inkMap);
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        if (hi - lo < 1e-6f) {
            return 1;
        }
        int[] hist = new int[256];
        for (float x : v) {
            hist[Threshold.bin((x - lo) / (hi - lo))]++;
        }
        float threshold = Threshold.otsu(hist, v.length) * (hi - lo) + lo;
        int[] d = new int[v.length];
        int far = w + h;
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i] > threshold ? far : 0;
        }
        chessboard(d, w, h);
        boolean[] mask = new boolean[d.length];
        for (int i = 0; i < d.length; i++) {
            mask[i] = d[i] > 0;
        }
        Labelling pieces = Labelling.of(mask, w, h);
        // Specks are small beside the largest piece clear of the edge (a stroke), not beside a shadow.
        int largest = 0;
        int largestInner = 0;
        for (int k = 1; k <= pieces.count(); k++) {
            largest = Math.max(largest, pieces.area()[k]);
            largestInner = pieces.touchesEdge()[k] ? largestInner : Math.max(largestInner, pieces.area()[k]);
        }
        int least = (int) Math.max(MIN_AREA, Components.SPECK * (largestInner > 0 ? largestInner : largest));
        int[] ridge = new int[far + 2];
        int[] inner = new int[far + 2];
        int count = 0;
        int innerCount = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int here = d[y * w + x];
                if (here == 0 || pieces.area()[pieces.labels()[y * w + x]] < least) {
                    continue; // paper, or a speck of noise
                }
                boolean top = true;
                for (int dy = -1; dy <= 1 && top; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h && d[ny * w + nx] > here) {
                            top = false;
                            break;
                        }
                    }
                }
                if (top) {
                    ridge[Math.min(here, far + 1)]++;
                    count++;
                    if (!pieces.touchesEdge()[pieces.labels()[y * w + x]]) {
                        inner[Math.min(here, far + 1)]++;
                        innerCount++;
                    }
                }
            }
        }
        if (count == 0) {
            return 1;
        }
        if (innerCount >= Math.max(10, INNER_SHARE * count)) {
            ridge = inner;
            count = innerCount;
        }
        int seen = 0;
        for (int r = 1; r < ridge.length; r++) {
            seen += ridge[r];
            if (2 * seen >= count) {
                return Math.max(1, 2 * r - 1);
            }
        }
        return 1;
    }
}
