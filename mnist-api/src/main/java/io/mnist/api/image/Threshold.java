package io.mnist.api.image;

import io.mnist.api.EmptyImageException;

/**
 * Stage 4 of preprocessing, the threshold: which pixels are ink, and how strong a stroke's core is.
 * <ul>
 *   <li>{@link #high}: Otsu's threshold (Otsu 1979) over the ink levels; a pixel above it is surely ink.</li>
 *   <li>{@link #low}: half of {@code high}, and never within the paper's noise (its median plus three robust
 *       standard deviations). A pixel above it is ink if it connects to a sure one: hysteresis, as Canny (1986)
 *       joins edges, so the faint parts of a blurred or light stroke stay attached to the strong ones.</li>
 *   <li>{@link #floor}: the paper's noise; fainter values are paper, brighter ones next to a stroke are its
 *       anti-aliased edge.</li>
 *   <li>{@link #core}: the 90th percentile of the sure ink, the stroke's full strength. Ink levels are divided by it,
 *       so that a faint pencil and a marker both arrive at full intensity, as MNIST's strokes are.</li>
 * </ul>
 *
 * @param ink   the ink levels, scaled so that the strongest is 1
 * @param high  the level above which a pixel is surely ink
 * @param low   the level above which a pixel connected to sure ink is ink
 * @param floor the level at or below which a pixel is paper
 * @param core  the typical level of a stroke's inside
 */
record Threshold(Plane ink, float high, float low, float floor, float core) {
    /** The least ink, as a share of the image's range, for an image to hold anything at all. */
    static final float MIN_CONTRAST = 0.08f;
    /** The least {@code high}, as a share of the strongest ink: below it lies paper texture, not ink. */
    static final float MIN_THRESHOLD = 0.1f;
    /** {@code low} as a share of {@code high}. */
    static final float HYSTERESIS = 0.5f;
    /** The quantile of the sure ink taken as a stroke's full strength. */
    static final double CORE = 0.9;
    /** Pixels sampled, at most, for the paper's noise. */
    private static final int SAMPLES = 200_000;

    /**
     * The levels of {@code lifted}, the ink above the paper.
     *
     * @throws EmptyImageException if no pixel stands out of the paper by {@link #MIN_CONTRAST}
     */
    static Threshold of(Plane lifted) {
        float[] v = lifted.values();
        float max = 0;
        for (float x : v) {
            max = Math.max(max, x);
        }
        if (max < MIN_CONTRAST) {
            throw new EmptyImageException("The image (" + lifted.width() + "x" + lifted.height() + ") holds no ink:"
                    + " it is one flat colour. Send a dark digit on light paper or a light digit on a dark background.");
        }
        float[] ink = new float[v.length];
        int[] hist = new int[256];
        for (int i = 0; i < v.length; i++) {
            float s = v[i] / max;
            ink[i] = s;
            hist[bin(s)]++;
        }
        float high = otsu(hist, ink.length);
        // The paper's noise, from a sample of the pixels below the sure ink.
        int step = Math.max(1, ink.length / SAMPLES);
        int paperCount = 0;
        for (int i = 0; i < ink.length; i += step) {
            if (ink[i] < high) {
                paperCount++;
            }
        }
        float[] paper = new float[paperCount];
        for (int i = 0, k = 0; i < ink.length && k < paperCount; i += step) {
            if (ink[i] < high) {
                paper[k++] = ink[i];
            }
        }
        float paperLevel = Statistics.median(paper);
        float floor = Math.min(high, paperLevel + 3 * Statistics.robustSpread(paper, paperLevel));
        float low = Math.min(high, Math.max(HYSTERESIS * high, floor));
        int sure = 0;
        for (int t = bin(high) + 1; t < 256; t++) {
            sure += hist[t];
        }
        float[] strong = new float[sure];
        for (int i = 0, k = 0; i < ink.length && k < sure; i++) {
            if (bin(ink[i]) > bin(high)) {
                strong[k++] = ink[i];
            }
        }
        float core = sure == 0 ? 1f : Math.max(high, Statistics.quantile(strong, CORE));
        return new Threshold(new Plane(lifted.width(), lifted.height(), ink), high, low, floor, core);
    }

    /** The bin of Otsu's 256-bin histogram a value in [0, 1] falls in. */
    static int bin(float v) {
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
}
