package io.mnist.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The block-wise running extremes give exactly what the definition gives, for any image size and square side. */
class MorphologyTest {
    @Test
    void erosionAndDilationAreTheExtremesOverTheSquareClippedAtTheEdges() {
        SplittableRandom r = new SplittableRandom(1);
        for (int t = 0; t < 2000; t++) {
            int w = 1 + r.nextInt(30);
            int h = 1 + r.nextInt(30);
            int side = 1 + r.nextInt(45);
            float[] v = new float[w * h];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(4) == 0 ? 0f : (float) r.nextDouble();
            }
            Plane p = new Plane(w, h, v);
            assertThat(Morphology.erode(p, side).values()).as("erode %dx%d by %d", w, h, side)
                    .containsExactly(definition(p, side, true));
            assertThat(Morphology.dilate(p, side).values()).as("dilate %dx%d by %d", w, h, side)
                    .containsExactly(definition(p, side, false));
        }
    }

    /** Each value the min (or max) over rows y - side/2 .. y + (side-1)/2 and the same columns, inside the image. */
    private static float[] definition(Plane p, int side, boolean min) {
        int w = p.width();
        int h = p.height();
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float best = min ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                for (int yy = Math.max(0, y - side / 2); yy <= Math.min(h - 1, y + (side - 1) / 2); yy++) {
                    for (int xx = Math.max(0, x - side / 2); xx <= Math.min(w - 1, x + (side - 1) / 2); xx++) {
                        float v = p.at(xx, yy);
                        best = min ? Math.min(best, v) : Math.max(best, v);
                    }
                }
                out[y * w + x] = best;
            }
        }
        return out;
    }
}
