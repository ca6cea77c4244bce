package io.mnist.api.image;

import io.mnist.api.Augmentation;
import io.mnist.api.DigitImage;
import java.util.SplittableRandom;

/**
 * Applies an {@link Augmentation} to 28x28 images in place: another letterform for some 1s, 6s and 7s, an affine
 * warp about the centre, then a pen change.
 */
public final class Augmenter {
    private static final int N = DigitImage.SIZE;
    private static final double CENTRE = (N - 1) / 2.0;

    private final Augmentation augmentation;
    private final float[] source = new float[DigitImage.PIXELS];

    public Augmenter(Augmentation augmentation) {
        this.augmentation = augmentation;
    }

    /** Changes the image at {@code pixels[offset..offset+784)}, of unknown digit, with draws from {@code random}. */
    public void apply(float[] pixels, int offset, SplittableRandom random) {
        apply(pixels, offset, -1, random);
    }

    /**
     * Changes the image at {@code pixels[offset..offset+784)} (0 paper to 1 ink, MNIST's layout) showing the digit
     * {@code label} (0-9, or -1 if unknown: no letterform is added), with draws from {@code random}.
     */
    public void apply(float[] pixels, int offset, int label, SplittableRandom random) {
        if (augmentation.isNone()) {
            return;
        }
        if (augmentation.letterforms() > 0 && Letterforms.applies(label)
                && random.nextDouble() < augmentation.letterforms()) {
            Letterforms.draw(pixels, offset, label, random);
        }
        System.arraycopy(pixels, offset, source, 0, DigitImage.PIXELS);
        double angle = Math.toRadians(uniform(random, -augmentation.maxRotation(), augmentation.maxRotation()));
        double scale = uniform(random, augmentation.minScale(), augmentation.maxScale());
        double dx = uniform(random, -augmentation.maxShift(), augmentation.maxShift());
        double dy = uniform(random, -augmentation.maxShift(), augmentation.maxShift());
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                // Inverse map: where in the source this output pixel comes from.
                double ux = x - CENTRE - dx;
                double uy = y - CENTRE - dy;
                double sx = cos * ux + sin * uy + CENTRE;
                double sy = -sin * ux + cos * uy + CENTRE;
                pixels[offset + y * N + x] = bilinear(sx, sy);
            }
        }
        if (random.nextDouble() < augmentation.strokeChange()) {
            pen(pixels, offset, random.nextBoolean());
        }
    }

    private float bilinear(double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (float) ((1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0))
                + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1)));
    }

    private float at(int x, int y) {
        return x < 0 || y < 0 || x >= N || y >= N ? 0f : source[y * N + x];
    }

    /** A bolder pen spreads ink to the four neighbours; a thinner one keeps what its neighbours also hold. */
    private void pen(float[] pixels, int offset, boolean bolder) {
        System.arraycopy(pixels, offset, source, 0, DigitImage.PIXELS);
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                float v = source[y * N + x];
                float max = Math.max(Math.max(at(x - 1, y), at(x + 1, y)), Math.max(at(x, y - 1), at(x, y + 1)));
                float min = Math.min(Math.min(at(x - 1, y), at(x + 1, y)), Math.min(at(x, y - 1), at(x, y + 1)));
                pixels[offset + y * N + x] = bolder ? Math.max(v, 0.7f * max) : Math.min(v, 0.7f * v + 0.3f * min);
            }
        }
    }

    private static double uniform(SplittableRandom random, double from, double to) {
        return from == to ? from : from + random.nextDouble() * (to - from);
    }
}
