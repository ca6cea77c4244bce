package io.mnist.api.ood;

import io.mnist.api.DigitImage;

/**
 * Shapes that no MNIST digit has, measured on the 28x28 image the network sees: the third part of
 * {@link NotADigitDetector#score}, fixed rather than fitted, for marks the other two parts call digits.
 * <ul>
 *   <li><b>Flat:</b> ink less than {@value #LEAST_HEIGHT} pixels tall. MNIST frames each digit so that its longer
 *       side is 20 pixels; the flattest of the 60,000 training digits is 8 pixels tall (of the 10,000 test digits,
 *       10). A dash or a minus sign arrives 2-4 pixels tall, and a network reads it as a 2 or a 7 at 99%.</li>
 *   <li><b>Dash at a tilt:</b> ink whose second moments make it a straight stroke (the square root of the smaller
 *       over the larger eigenvalue of their covariance, intensity-weighted, under {@value #STRAIGHTEST}) lying within
 *       {@value #LEVELLEST} degrees of horizontal. Every MNIST digit as straight as that is a 1 leaning at least 36
 *       degrees from horizontal (22 of the 60,000 training digits, 2 of the test digits); a dash tilted 10-30
 *       degrees, which the flat check lets through, arrives at about 0.1 and was read as a 2 at 83-98%.</li>
 *   <li><b>Blot:</b> ink (above 0.5) that survives {@value #DEEPEST} or more erosions, taken in turn by the
 *       4-neighbour cross and the 3x3 square (together an octagon, close to a disc), so it holds a solid disc about
 *       13 pixels across: a filled dot, a smudge of a thumb. The strokes of 23 of the 60,000 training digits survive
 *       5 such erosions and none 6 (of the test digits, 4 and none); 197 of 200 drawn filled dots framed as the
 *       preprocessor frames them survive 6 or more, and a network reads such a dot as a 0 at 99%.</li>
 * </ul>
 * Measured with {@code DigitShapeTest} over all 70,000 MNIST digits, which none of these rules reject, so the
 * detector's calibrated false-reject rate is unchanged.
 */
public final class DigitShape {
    /** A digit is at least this many pixels tall in its 28x28 image (ink above {@value #INK_LEVEL}). */
    public static final int LEAST_HEIGHT = 6;
    /** Ink that survives this many erosions is a blot, not a stroke (ink above 0.5). */
    public static final int DEEPEST = 6;
    /** A straight stroke's elongation (minor over major axis of the ink's second moments) is under this. */
    public static final double STRAIGHTEST = 0.2;
    /** A straight stroke within this many degrees of horizontal is a dash. */
    public static final double LEVELLEST = 33;
    /** The level above which a pixel counts for the ink's height. */
    static final float INK_LEVEL = 0.25f;
    private static final int SIDE = DigitImage.SIZE;

    private DigitShape() {
    }

    /**
     * How far the image's shape is from every digit's, 1 being the limit: the larger of
     * {@code (LEAST_HEIGHT - 0.5) / height} and {@code erosions / (DEEPEST - 0.5)}, so that a flat mark or a blot
     * scores above 1 and every MNIST digit below. An image without ink scores 11.
     *
     * @param pixels 784 values in [0, 1] from {@code offset}, row by row: the image the network saw
     * @param offset where the image starts
     * @return the score, at least 0 and at most 11
     */
    public static double score(float[] pixels, int offset) {
        int top = SIDE;
        int bottom = -1;
        boolean[] solid = new boolean[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                float v = pixels[offset + y * SIDE + x];
                if (v > INK_LEVEL) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                }
                solid[y * SIDE + x] = v > 0.5f;
            }
        }
        // No ink at all counts as half a pixel tall: flat, and finite, so that every output format can carry it.
        double height = bottom < 0 ? 0.5 : bottom - top + 1;
        return Math.max(Math.max((LEAST_HEIGHT - 0.5) / height, erosions(solid) / (DEEPEST - 0.5)),
                tiltedDash(pixels, offset));
    }

    /**
     * {@code STRAIGHTEST / elongation} for ink whose major axis lies within {@value #LEVELLEST} degrees of
     * horizontal, else 0: above 1 for a straight stroke lying more level than any straight MNIST digit.
     */
    static double tiltedDash(float[] pixels, int offset) {
        double sum = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = pixels[offset + y * SIDE + x];
                sum += v;
                sx += v * x;
                sy += v * y;
                sxx += v * x * x;
                sxy += v * x * y;
                syy += v * y * y;
            }
        }
        if (sum <= 0) {
            return 0;
        }
        double mx = sx / sum;
        double my = sy / sum;
        double xx = sxx / sum - mx * mx;
        double xy = sxy / sum - mx * my;
        double yy = syy / sum - my * my;
        double half = (xx + yy) / 2;
        double spread = Math.sqrt(Math.max(0, half * half - (xx * yy - xy * xy)));
        double major = half + spread;
        double minor = Math.max(0, half - spread);
        double angle = Math.abs(Math.toDegrees(0.5 * Math.atan2(2 * xy, xx - yy)));
        if (major <= 0 || angle >= LEVELLEST) {
            return 0;
        }
        double elongation = Math.sqrt(minor / major);
        return elongation <= 0 ? Double.MAX_VALUE / 2 : Math.min(11, STRAIGHTEST / elongation);
    }

    /**
     * How many erosions leave some of {@code on}, the odd ones by the 4-neighbour cross and the even ones by the 3x3
     * square (the image's edge counts as paper).
     */
    static int erosions(boolean[] on) {
        boolean[] current = on.clone();
        int count = 0;
        while (true) {
            boolean square = count % 2 == 1;
            boolean[] next = new boolean[current.length];
            boolean any = false;
            for (int y = 1; y < SIDE - 1; y++) {
                for (int x = 1; x < SIDE - 1; x++) {
                    int i = y * SIDE + x;
                    boolean keep = current[i] && current[i - 1] && current[i + 1] && current[i - SIDE]
                            && current[i + SIDE];
                    if (square) {
                        keep &= current[i - SIDE - 1] && current[i - SIDE + 1] && current[i + SIDE - 1]
                                && current[i + SIDE + 1];
                    }
                    next[i] = keep;
                    any |= keep;
                }
            }
            if (!any) {
                return count;
            }
            current = next;
            count++;
        }
    }
}
