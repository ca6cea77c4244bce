package io.mnist.api.image;

import io.mnist.api.DigitImage;
import io.mnist.api.EmptyImageException;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * An image reduced to its ink: the preprocessing pipeline, whose stages run in this order, each a class of this
 * package with its own tests.
 * <ol>
 *   <li>{@link RasterReader}: luminance and opacity from any pixel layout;</li>
 *   <li>{@link Polarity}: which signal is ink and which way it departs from the paper, as an ink map;</li>
 *   <li>{@link Background}: the paper's level (uneven light, shadows) taken away by a white top-hat;</li>
 *   <li>{@link Threshold}: Otsu's threshold with hysteresis, the paper's noise, and the strokes' full strength;</li>
 *   <li>{@link RulingLines}: the lines of forms and exercise books (underlines, boxes, a ruled or squared page)
 *       found and erased from the ink map, then the background and the threshold taken again, and the lines
 *       looked for once more;</li>
 *   <li>{@link Components}: the ink in 8-connected strokes, specks of noise dropped;</li>
 *   <li>{@link DigitFraming}, per digit ({@link #digit(List, Rectangle)}): crop, thin strokes thickened, scale into
 *       20x20, centre of mass at the centre of 28x28.</li>
 * </ol>
 * Single digits use all the strokes; {@link NumberSegmenter} groups them into the digits of a number first.
 */
public final class InkImage {
    /** How many times ruling lines are looked for, each after the last ones found were erased. */
    static final int LOOKS = 2;
    private final Plane ink;
    private final int[] labels;
    private final List<Component> components;
    private final List<Component> specks;

    /**
     * One connected piece of ink.
     *
     * @param id     its label in {@link #labelAt(int, int)}
     * @param bounds its bounding box
     * @param area   its pixels of ink
     */
    public record Component(int id, Rectangle bounds, int area) {
    }

    private InkImage(Plane ink, int[] labels, List<Component> components, List<Component> specks) {
        this.ink = ink;
        this.labels = labels;
        this.components = components;
        this.specks = specks;
    }

    /**
     * Finds the ink in {@code image}: the stages up to the components.
     *
     * @throws EmptyImageException if the image is one flat colour, or holds only specks of noise
     * @throws IllegalArgumentException if it has no pixels
     */
    public static InkImage of(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth();
        int h = image.getHeight();
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException("The image has no pixels (" + w + "x" + h + ")");
        }
        RasterReader.Channels channels = RasterReader.read(image);
        Plane inkMap = Polarity.inkMap(channels);
        Plane lifted = Background.subtract(inkMap);
        Threshold threshold = threshold(inkMap, lifted);
        // Lines found are erased and the background taken again; a second look finds the lines that the first
        // background, measured with the lines' width in it, broke up near the writing (squared paper).
        boolean[] lines = RulingLines.find(threshold);
        for (int look = 1; lines != null; look++) {
            inkMap = RulingLines.erase(inkMap, lifted, lines);
            lifted = Background.subtract(inkMap);
            threshold = Threshold.of(lifted);
            lines = look < LOOKS ? RulingLines.find(threshold, 1) : null;
        }
        Components.Labelled strokes = Components.of(threshold);
        return new InkImage(strength(threshold), strokes.labels(), strokes.components(), strokes.specks());
    }

    /**
     * The first threshold, and the reason when there is none: one flat colour, or marks with no paper round them
     * (a band across the image, an image a few pixels high), which the background stage takes for paper.
     */
    private static Threshold threshold(Plane inkMap, Plane lifted) {
        try {
            return Threshold.of(lifted);
        } catch (EmptyImageException flat) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : inkMap.values()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (max - min < Threshold.MIN_CONTRAST) {
                throw flat;
            }
            int w = inkMap.width();
            int h = inkMap.height();
            String thin = Math.min(w, h) < DigitImage.SIZE
                    ? " (it is only " + Math.min(w, h) + " pixel" + (Math.min(w, h) == 1 ? "" : "s")
                    + (h < w ? " high" : " wide") + ")" : "";
            throw new EmptyImageException("The image (" + w + "x" + h + ") has marks, but none is a stroke on paper:"
                    + " they reach across the whole image" + thin + ". Send the digit with paper round it on every"
                    + " side.");
        }
    }

    /**
     * Ink levels as the digit receives them: paper (at or below the noise floor) 0, a stroke's core and anything
     * stronger 1, the levels between in proportion.
     */
    private static Plane strength(Threshold t) {
        float[] v = t.ink().values();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] <= t.floor() ? 0f : Math.min(1f, v[i] / t.core());
        }
        return new Plane(t.ink().width(), t.ink().height(), out);
    }

    public int width() {
        return ink.width();
    }

    public int height() {
        return ink.height();
    }

    /** The strokes, specks of noise left out, in no particular order; never empty. */
    public List<Component> components() {
        return components;
    }

    /**
     * The pieces of ink too small to be strokes (under {@value Components#SPECK} of the largest), which are not in
     * {@link #components()} and whose pixels are paper here: dust, or a dot made with the pen. Boxes and areas only.
     */
    List<Component> specks() {
        return specks;
    }

    /** The stroke a pixel belongs to (0 for paper). */
    public int labelAt(int x, int y) {
        return labels[y * ink.width() + x];
    }

    /** Ink at a pixel in [0, 1]. */
    public float inkAt(int x, int y) {
        return ink.at(x, y);
    }

    /**
     * The bounding box of the given components.
     *
     * @throws IllegalArgumentException if {@code parts} is empty
     */
    public static Rectangle bounds(List<Component> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("No components to bound");
        }
        Rectangle r = new Rectangle(parts.get(0).bounds());
        for (Component c : parts) {
            r.add(c.bounds());
        }
        return r;
    }

    /** All the strokes as one digit. */
    public DigitImage digit() {
        return digit(components, bounds(components));
    }

    /**
     * The digit made of {@code parts}, limited to {@code within}: ink of other components is left out, the rest is
     * framed as MNIST's digits were (stage 6, {@link DigitFraming}).
     *
     * @throws EmptyImageException if {@code parts} has no ink inside {@code within}
     */
    public DigitImage digit(List<Component> parts, Rectangle within) {
        boolean[] keep = new boolean[components.stream().mapToInt(Component::id).max().orElse(0) + 1];
        for (Component c : parts) {
            if (c.id() < keep.length) {
                keep[c.id()] = true;
            }
        }
        return DigitFraming.frame(ink, labels, keep, within);
    }
}
