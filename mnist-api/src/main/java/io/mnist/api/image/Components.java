package io.mnist.api.image;

import io.mnist.api.EmptyImageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage 5 of preprocessing, connected components: the ink split into 8-connected pieces, so that specks of noise
 * can be told from strokes. A piece is ink if it reaches the threshold's {@code high} somewhere (hysteresis, see
 * {@link Threshold}); a piece smaller than {@value #SPECK} of the largest (or of one pixel) is a speck and is dropped.
 */
final class Components {
    /** Pieces smaller than this share of the largest are specks of noise, not strokes. */
    static final double SPECK = 0.04;

    private Components() {
    }

    /**
     * The strokes of an image.
     *
     * @param labels     per pixel, the id of the stroke it belongs to, or 0 for paper (dropped specks included)
     * @param components the strokes, in no particular order
     * @param specks     the pieces dropped as specks that reached the threshold's {@code high} (dust, or a dot made
     *                   with the pen: {@link NumberSegmenter} tells a decimal point among them)
     */
    record Labelled(int[] labels, List<InkImage.Component> components, List<InkImage.Component> specks) {
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
        boolean[] mask = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            mask[i] = v[i] >= t.low() && v[i] > t.floor();
        }
        Labelling pieces = Labelling.of(mask, w, h);
        int[] labels = pieces.labels();
        int next = pieces.count() + 1;
        boolean[] reachesHigh = new boolean[next];
        for (int i = 0; i < v.length; i++) {
            if (labels[i] > 0 && v[i] > t.high()) {
                reachesHigh[labels[i]] = true;
            }
        }
        List<InkImage.Component> all = new ArrayList<>();
        List<Boolean> sure = new ArrayList<>();
        for (int id = 1; id < next; id++) {
            all.add(new InkImage.Component(id, pieces.bounds()[id], pieces.area()[id]));
            sure.add(reachesHigh[id]);
        }
        int largest = 0;
        for (int i = 0; i < all.size(); i++) {
            if (sure.get(i)) {
                largest = Math.max(largest, all.get(i).area());
            }
        }
        boolean[] kept = new boolean[next];
        List<InkImage.Component> strokes = new ArrayList<>();
        List<InkImage.Component> specks = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            InkImage.Component c = all.get(i);
            if (sure.get(i) && c.area() >= Math.max(2, SPECK * largest)) {
                strokes.add(c);
                kept[c.id()] = true;
            } else if (sure.get(i)) {
                specks.add(c);
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
        return new Labelled(labels, List.copyOf(strokes), List.copyOf(specks));
    }
}
