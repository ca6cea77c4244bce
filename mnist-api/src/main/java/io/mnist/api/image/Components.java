package io.mnist.api.image;

import io.mnist.api.EmptyImageException;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stage 5 of preprocessing, connected components: the ink split into 8-connected pieces, so that specks of noise
 * can be told from strokes. A piece is ink if it reaches the threshold's {@code high} somewhere (hysteresis, see
 * {@link Threshold}); a piece smaller than {@value #SPECK} of the largest (or of one pixel) is a speck and is dropped.
 */
final class Components {
    /** Pieces smaller than this share of the largest are specks of noise, not strokes. */
    static final double SPECK = 0.04;
    private static final int UNLABELLED = -1;

    private Components() {
    }

    /**
     * The strokes of an image.
     *
     * @param labels     per pixel, the id of the stroke it belongs to, or 0 for paper (dropped specks included)
     * @param components the strokes, in no particular order
     */
    record Labelled(int[] labels, List<InkImage.Component> components) {
    }

    /**
     * Labels the ink of {@code t}.
     *
     * @throws EmptyImageException if every piece of ink is a speck (a blank scan with dust, a dotted line of single
     *                             pixels)
     */
    static Labelled of(Threshold t) {
        Plane ink = t.ink();
        int w = ink.width();
        int h = ink.height();
        float[] v = ink.values();
        int[] labels = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] >= t.low() && v[i] > t.floor()) {
                labels[i] = UNLABELLED;
            }
        }
        List<InkImage.Component> all = new ArrayList<>();
        List<Boolean> sure = new ArrayList<>();
        int[] stack = new int[64];
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
            boolean reachesHigh = false;
            int x0 = w;
            int y0 = h;
            int x1 = -1;
            int y1 = -1;
            while (top > 0) {
                int p = stack[--top];
                int px = p % w;
                int py = p / w;
                area++;
                reachesHigh |= v[p] > t.high();
                x0 = Math.min(x0, px);
                x1 = Math.max(x1, px);
                y0 = Math.min(y0, py);
                y1 = Math.max(y1, py);
                if (top + 8 > stack.length) {
                    stack = Arrays.copyOf(stack, 2 * stack.length + 8);
                }
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = py + dy;
                    if (ny < 0 || ny >= h) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = px + dx;
                        int q = ny * w + nx;
                        if (nx >= 0 && nx < w && labels[q] == UNLABELLED) {
                            labels[q] = id;
                            stack[top++] = q;
                        }
                    }
                }
            }
            all.add(new InkImage.Component(id, new Rectangle(x0, y0, x1 - x0 + 1, y1 - y0 + 1), area));
            sure.add(reachesHigh);
        }
        int largest = 0;
        for (int i = 0; i < all.size(); i++) {
            if (sure.get(i)) {
                largest = Math.max(largest, all.get(i).area());
            }
        }
        boolean[] kept = new boolean[next];
        List<InkImage.Component> strokes = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            InkImage.Component c = all.get(i);
            if (sure.get(i) && c.area() >= Math.max(2, SPECK * largest)) {
                strokes.add(c);
                kept[c.id()] = true;
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (!kept[labels[i]]) {
                labels[i] = 0;
            }
        }
        if (strokes.isEmpty()) {
            throw new EmptyImageException("The image (" + w + "x" + h + ") holds only specks of " + largest
                    + " pixel" + (largest == 1 ? "" : "s") + " at most, too small for strokes: dust or noise, not a"
                    + " digit. Send an image in which the digit is drawn with a pen.");
        }
        return new Labelled(labels, List.copyOf(strokes));
    }
}
