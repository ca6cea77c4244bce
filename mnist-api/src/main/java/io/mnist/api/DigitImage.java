package io.mnist.api;

import java.util.Arrays;

/**
 * A 28x28 grayscale digit in the MNIST convention: row-major floats in [0, 1], white (1) ink on black (0).
 *
 * <p>Instances are immutable; the pixel array is copied in and out.
 */
public final class DigitImage {
    /** Width and height in pixels. */
    public static final int SIZE = 28;
    /** Number of pixels, {@code SIZE * SIZE}. */
    public static final int PIXELS = SIZE * SIZE;

    private final float[] pixels;

    private DigitImage(float[] pixels) {
        this.pixels = pixels;
    }

    /**
     * Wraps a copy of {@code pixels}.
     *
     * @throws IllegalArgumentException if there are not exactly 784 values, or one is outside [0, 1] or NaN
     */
    public static DigitImage of(float[] pixels) {
        if (pixels.length != PIXELS) {
            throw new IllegalArgumentException(
                    "A DigitImage has " + PIXELS + " pixels (28x28), got " + pixels.length
                            + "; use ImagePreprocessor to turn an image of another size into one");
        }
        for (int i = 0; i < pixels.length; i++) {
            float v = pixels[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException(
                        "Pixel " + i + " is " + v + "; DigitImage pixels must lie in [0, 1]");
            }
        }
        return new DigitImage(pixels.clone());
    }

    /** Converts unsigned bytes (0..255, as stored in IDX files) starting at {@code offset}. */
    public static DigitImage fromUnsignedBytes(byte[] data, int offset) {
        if (offset < 0 || offset + PIXELS > data.length) {
            throw new IllegalArgumentException("Need " + PIXELS + " bytes from offset " + offset
                    + " but the array holds " + data.length);
        }
        float[] p = new float[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            p[i] = (data[offset + i] & 0xFF) / 255f;
        }
        return new DigitImage(p);
    }

    /** A copy of the 784 pixel values. */
    public float[] pixels() {
        return pixels.clone();
    }

    /** Copies the pixels into {@code target} at {@code offset}, without allocating. */
    public void copyTo(float[] target, int offset) {
        System.arraycopy(pixels, 0, target, offset, PIXELS);
    }

    /** The value at column {@code x}, row {@code y}. */
    public float pixel(int x, int y) {
        return pixels[y * SIZE + x];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DigitImage d && Arrays.equals(pixels, d.pixels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "DigitImage[28x28]";
    }
}
