package io.mnist.api.image;

import java.awt.Rectangle;
import java.util.Arrays;

/**
 * Connected-component labelling of a binary mask, 8-connected, by flood fill with an explicit stack (no recursion,
 * so a stroke of any length is safe): what {@link Components} and {@link StrokeWidth} both need.
 *
 * @param labels      per pixel, its component's label from 1 to {@code count}, or 0 outside the mask
 * @param count       the number of components
 * @param area        per label (index 0 unused), its pixels
 * @param bounds      per label (index 0 unused), its bounding box
 * @param touchesEdge per label (index 0 unused), whether it reaches the image's edge
 */
record Labelling(int[] labels, int count, int[] area, Rectangle[] bounds, boolean[] touchesEdge) {

    /** Labels the pixels where {@code mask} is true, in a {@code w x h} image. */
    static Labelling of(boolean[] mask, int w, int h) {
        int[] labels = new int[mask.length];
        int[] area = new int[16];
        Rectangle[] bounds = new Rectangle[16];
        boolean[] edge = new boolean[16];
        int[] stack = new int[64];
        int next = 1;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || labels[start] != 0) {
                continue;
            }
            if (next == area.length) {
                area = Arrays.copyOf(area, 2 * next);
                bounds = Arrays.copyOf(bounds, 2 * next);
                edge = Arrays.copyOf(edge, 2 * next);
            }
            int id = next++;
            int top = 0;
            stack[top++] = start;
            labels[start] = id;
            int x0 = w;
            int y0 = h;
            int x1 = -1;
            int y1 = -1;
            while (top > 0) {
                int p = stack[--top];
                int px = p % w;
                int py = p / w;
                area[id]++;
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
                        if (nx >= 0 && nx < w && mask[q] && labels[q] == 0) {
                            labels[q] = id;
                            stack[top++] = q;
                        }
                    }
                }
            }
            bounds[id] = new Rectangle(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
            edge[id] = x0 == 0 || y0 == 0 || x1 == w - 1 || y1 == h - 1;
        }
        return new Labelling(labels, next - 1, Arrays.copyOf(area, next), Arrays.copyOf(bounds, next),
                Arrays.copyOf(edge, next));
    }
}
