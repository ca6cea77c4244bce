package io.mnist.api.image;

/**
 * Stage 3 of preprocessing, background and illumination: the paper's own level under the ink (uneven light, a
 * shadow, a grey scan) is estimated and taken away, leaving the ink alone above 0.
 *
 * <p>The paper is the morphological opening of the ink map with a square {@value #STROKES} strokes wide, and the
 * ink is what stands above it: the white top-hat transform (Meyer 1979; Gonzalez and Woods, Digital Image
 * Processing, 3rd ed., 9.6.3). An opening never rises above the map, so no ink can appear where the image has none;
 * a stroke of any width up to the square's is removed from the paper estimate whole, so wide strokes stay filled
 * rather than hollow; and a shadow or lamp gradient broader than the square, sharp-edged or not, is part of the
 * paper and goes. On images of 64 pixels or more a side the estimate is raised to a smooth
 * {@link IlluminationSurface} where that is higher: a vignette or a
 * dark band along the image's edge is narrower than the square, and only a fit of the whole page's light sees it as
 * paper. The surface is never used below the opening, so an over-curved fit invents no ink in the corners (it did,
 * on 28x28 images, when it was the only estimate); small images, which are drawings with flat paper, use the
 * opening alone.
 */
final class Background {
    /** Images at least this many pixels on their shorter side are photos or scans, whose light may vary. */
    static final int SMOOTH_FROM = 64;
    /** The square's side, in stroke widths. */
    static final int STROKES = 6;

    private Background() {
    }

    /** The ink above the paper, each value {@code max(0, ink - paper)}. */
    static Plane subtract(Plane ink) {
        Plane paper = paper(ink);
        float[] v = ink.values();
        float[] p = paper.values();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            float left = v[i] - p[i];
            out[i] = left > 0f ? left : 0f;
        }
        return new Plane(ink.width(), ink.height(), out);
    }

    /**
     * The paper's level at each pixel: the opening, or where it is higher the smooth {@link IlluminationSurface}
     * (images of {@value #SMOOTH_FROM} pixels or more a side only).
     */
    static Plane paper(Plane ink) {
        int shorter = Math.min(ink.width(), ink.height());
        if (shorter < SMOOTH_FROM) {
            return Morphology.openExtended(ink, side(ink));
        }
        Plane opened = Morphology.openExtended(ink, side(ink));
        float[] s = IlluminationSurface.fit(ink, opened).values();
        float[] o = opened.values().clone();
        for (int i = 0; i < o.length; i++) {
            o[i] = Math.max(o[i], s[i]);
        }
        return new Plane(ink.width(), ink.height(), o);
    }

    /**
     * The side of the square the paper is opened with: {@value #STROKES} times the strokes' width (by
     * {@link StrokeWidth}), so that the widest part of a digit (where strokes cross, a blot of the pen) fits inside;
     * odd, and at least 3.
     */
    static int side(Plane ink) {
        int side = Math.max(3, STROKES * StrokeWidth.estimate(ink));
        return side % 2 == 0 ? side + 1 : side;
    }

    /** Each value the mean of the 3x3 square around it (clipped at the edges). */
    static Plane boxMean3(Plane p) {
        int w = p.width();
        int h = p.height();
        float[] v = p.values();
        float[] rows = new float[v.length];
        for (int y = 0; y < h; y++) {
            int o = y * w;
            for (int x = 0; x < w; x++) {
                float sum = v[o + x];
                int n = 1;
                if (x > 0) {
                    sum += v[o + x - 1];
                    n++;
                }
                if (x < w - 1) {
                    sum += v[o + x + 1];
                    n++;
                }
                rows[o + x] = sum / n;
            }
        }
        float[] out = new float[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float sum = rows[y * w + x];
                int n = 1;
                if (y > 0) {
                    sum += rows[(y - 1) * w + x];
                    n++;
                }
                if (y < h - 1) {
                    sum += rows[(y + 1) * w + x];
                    n++;
                }
                out[y * w + x] = sum / n;
            }
        }
        return new Plane(w, h, out);
    }
}
