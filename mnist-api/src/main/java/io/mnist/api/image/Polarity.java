package io.mnist.api.image;

/**
 * Stage 2 of preprocessing, polarity: which of an image's signals is the ink, and which way it departs from the
 * paper. The result is an ink map, high where ink is, in [0, 1].
 * <ul>
 *   <li>A canvas export (a tenth or more of it transparent) whose opaque pixels are all one colour and narrow like
 *       strokes: the strokes are what is opaque, and the opacity is the ink.</li>
 *   <li>An opaque picture on a transparent margin (a white card with a dark digit, cut out): the margin is taken
 *       as the picture's own paper, and the picture is read as any other. A card whose digit departs from it too
 *       little to make it a picture (a thin pen) is told from strokes by being solid ({@link #SOLID_SHARE}).</li>
 *   <li>Otherwise, the paper is the majority of the border, at its median luminance; the ink is the minority that
 *       departs from it. Whether the ink is darker or lighter than the paper is decided by which departures carry
 *       more: the summed luminance beyond the paper's noise on each side. Never by an absolute level: dark ink on
 *       grey paper (border at 0.4) and white chalk on a blackboard both come out right.</li>
 *   <li>A frame round the picture (a scanner's dark edge, a rectangle drawn round a paint-program canvas) is not
 *       the paper: when the outermost rings are one colour and the rings inside them another, which is also the
 *       more common of the two in the whole image, the paper is read inside the frame ({@link #paperSample}).</li>
 * </ul>
 */
final class Polarity {
    /** Share of transparent pixels from which an image's opacity is considered at all. */
    static final double TRANSPARENT_SHARE = 0.1;
    /** Share of opaque pixels departing from their median colour above which the opaque part is a picture. */
    static final double PICTURE_SHARE = 0.02;
    /** Least departure from the paper, in luminance, that counts as ink rather than paper texture. */
    static final float LEAST_DEPARTURE = 0.04f;
    /** Least difference in luminance between a frame and the paper inside it. */
    static final float FRAME_CONTRAST = 0.25f;
    /**
     * Side of the opaque square, as a share of the image's shorter side, that makes the opaque part a solid piece
     * (a card, a sheet cut out of a photo) rather than strokes: a pen's stroke is far narrower.
     */
    static final double SOLID_SHARE = 0.2;
    /** Thickest frame looked for, as a share of the image's shorter side. */
    static final double FRAME_SHARE = 0.1;

    private Polarity() {
    }

    static Plane inkMap(RasterReader.Channels c) {
        Plane lum = c.luminance();
        Plane alpha = c.alpha();
        if (alpha != null) {
            float[] a = alpha.values();
            int transparent = 0;
            for (float v : a) {
                if (v < 0.5f) {
                    transparent++;
                }
            }
            if (transparent >= TRANSPARENT_SHARE * a.length) {
                float[] opaque = opaqueLuminance(lum.values(), a, a.length - transparent);
                if (opaque.length == 0) {
                    return new Plane(alpha.width(), alpha.height(), a.clone());
                }
                float paper = Statistics.median(opaque);
                int departing = 0;
                for (float v : opaque) {
                    if (Math.abs(v - paper) > 0.25f) {
                        departing++;
                    }
                }
                if (departing <= PICTURE_SHARE * opaque.length && !solid(alpha)) {
                    return new Plane(alpha.width(), alpha.height(), a.clone());
                }
                lum = over(lum, a, paper);
            }
        }
        return darkInk(lum) ? inverted(lum) : new Plane(lum.width(), lum.height(), lum.values().clone());
    }

    /** Whether the ink is darker than the paper, from the departures on either side of the paper's level. */
    static boolean darkInk(Plane lum) {
        float[] border = paperSample(lum);
        float paper = Statistics.median(border);
        float noise = Math.max(LEAST_DEPARTURE, 3 * Statistics.robustSpread(border, paper));
        double darker = 0;
        double lighter = 0;
        for (float v : lum.values()) {
            if (v < paper - noise) {
                darker += paper - noise - v;
            } else if (v > paper + noise) {
                lighter += v - paper - noise;
            }
        }
        if (darker == lighter) {
            return paper > 0.5f; // nothing departs: a flat image, found empty later; keep the usual convention
        }
        return darker > lighter;
    }

    /**
     * Luminance values that show the paper: the image's edge, unless the edge is a frame. The outermost rings
     * (up to {@link #FRAME_SHARE} of the shorter side) are a frame when they share one median luminance, the next
     * three rings share another, at least {@link #FRAME_CONTRAST} away, and more of the whole image is near the
     * inner level than near the outer one (the paper is the majority; a tightly cropped bold digit that fills a ring
     * near the edge is not). Then the first ring inside the frame is the sample.
     */
    static float[] paperSample(Plane lum) {
        int deepest = (int) (Math.min(lum.width(), lum.height()) * FRAME_SHARE);
        float[] edge = lum.border();
        if (deepest < 1) {
            return edge;
        }
        float outer = level(edge);
        for (int depth = 1; depth <= deepest; depth++) {
            float[] ring = lum.ring(depth);
            float level = level(ring);
            if (Math.abs(level - outer) < FRAME_CONTRAST) {
                continue; // still the frame (or no frame at all)
            }
            for (int next = depth + 1; next <= depth + 3; next++) {
                if (Math.abs(level(lum.ring(next)) - level) >= FRAME_CONTRAST) {
                    return edge; // no steady level inside: not a frame
                }
            }
            return near(lum.values(), level) > near(lum.values(), outer) ? ring : edge;
        }
        return edge;
    }

    /** Most values a ring's level is taken from: a frame is told by a contrast of 0.25, which a sample shows. */
    static final int RING_SAMPLE = 1024;

    /**
     * The median of a ring, from at most {@link #RING_SAMPLE} values evenly spaced along it. Without a frame every
     * ring down to a tenth of the shorter side is looked at: the full medians cost 25 ms on a 1000x1000 image.
     */
    private static float level(float[] ring) {
        if (ring.length <= RING_SAMPLE) {
            return Statistics.median(ring);
        }
        float[] sample = new float[RING_SAMPLE];
        double step = (double) ring.length / RING_SAMPLE;
        for (int i = 0; i < RING_SAMPLE; i++) {
            sample[i] = ring[(int) (i * step)];
        }
        return Statistics.median(sample);
    }

    /** How many values lie within {@link #FRAME_CONTRAST} / 2 of {@code level}. */
    private static int near(float[] values, float level) {
        int n = 0;
        for (float v : values) {
            if (Math.abs(v - level) < FRAME_CONTRAST / 2) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether the opaque part holds a square {@link #SOLID_SHARE} of the shorter side across: then it is paper (a
     * card on a transparent margin, whose digit departs from it too little to make it a picture), not ink.
     */
    private static boolean solid(Plane alpha) {
        int side = Math.max(3, (int) (SOLID_SHARE * Math.min(alpha.width(), alpha.height())) | 1);
        if (side > Math.min(alpha.width(), alpha.height())) {
            return false;
        }
        for (float v : Morphology.erode(alpha, side).values()) {
            if (v >= 0.5f) {
                return true;
            }
        }
        return false;
    }

    private static float[] opaqueLuminance(float[] lum, float[] alpha, int count) {
        float[] out = new float[count];
        int k = 0;
        for (int i = 0; i < lum.length && k < count; i++) {
            if (alpha[i] >= 0.5f) {
                out[k++] = lum[i];
            }
        }
        return out;
    }

    /** Luminance composited over a paper of level {@code paper} by each pixel's opacity. */
    private static Plane over(Plane lum, float[] alpha, float paper) {
        float[] v = lum.values();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * alpha[i] + paper * (1 - alpha[i]);
        }
        return new Plane(lum.width(), lum.height(), out);
    }

    private static Plane inverted(Plane lum) {
        float[] v = lum.values();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = 1f - v[i];
        }
        return new Plane(lum.width(), lum.height(), out);
    }
}
