package io.mnist.api.data;

import io.mnist.api.DigitImage;
import java.util.Objects;

/**
 * Labelled 28x28 digit images held in memory as unsigned bytes. Immutable; {@link #first(int)} and
 * {@link #slice(int, int)} share the underlying arrays.
 */
public final class MnistDataset {
    private final String name;
    private final byte[] pixels;
    private final byte[] labels;
    private final int offset;
    private final int size;

    private MnistDataset(String name, byte[] pixels, byte[] labels, int offset, int size) {
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.offset = offset;
        this.size = size;
    }

    /**
     * A dataset over {@code images} and {@code labels}, which must agree in count and be 28x28.
     *
     * @param name describes the origin (file and digest), recorded in model files trained on it
     * @throws IdxFormatException if the counts differ or the images are not 28x28
     */
    public static MnistDataset of(String name, IdxReader.Images images, byte[] labels) throws IdxFormatException {
        if (images.rows() != DigitImage.SIZE || images.columns() != DigitImage.SIZE) {
            throw new IdxFormatException(name + ": images are " + images.rows() + "x" + images.columns()
                    + ", MNIST images are 28x28");
        }
        if (images.count() != labels.length) {
            throw new IdxFormatException(name + ": the image file holds " + images.count()
                    + " images but the label file holds " + labels.length + " labels; they must be a pair");
        }
        return new MnistDataset(name, images.pixels(), labels, 0, labels.length);
    }

    /**
     * A dataset from raw arrays: {@code pixels} holds 784 unsigned bytes per image.
     *
     * @throws IllegalArgumentException if the sizes disagree or a label is not a digit
     */
    public static MnistDataset of(String name, byte[] pixels, byte[] labels) {
        if (pixels.length != labels.length * DigitImage.PIXELS) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels need "
                    + labels.length * DigitImage.PIXELS + " pixel bytes, got " + pixels.length);
        }
        for (byte label : labels) {
            if ((label & 0xFF) > 9) {
                throw new IllegalArgumentException(name + ": label " + (label & 0xFF) + " is not a digit");
            }
        }
        return new MnistDataset(name, pixels.clone(), labels.clone(), 0, labels.length);
    }

    /**
     * Where the data came from, without the slice: for {@link MnistData}'s sets the image file and the start of its
     * SHA-256.
     *
     * @return the name given when the whole set was made
     */
    public String source() {
        return name;
    }

    /**
     * Where this dataset starts in its {@link #source()}: 0 unless it is a {@link #slice(int, int)}.
     *
     * @return the index in the source of this dataset's first image
     */
    public int offset() {
        return offset;
    }

    /** Where the data came from, and which part of it. */
    public String name() {
        return offset == 0 && size == labels.length ? name : name + " [" + offset + ", " + (offset + size) + ")";
    }

    /** Number of images. */
    public int size() {
        return size;
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        return labels[index(i)];
    }

    /** All labels, in order. */
    public int[] labels() {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = labels[offset + i];
        }
        return out;
    }

    /** Image {@code i} as a {@link DigitImage}. */
    public DigitImage image(int i) {
        return DigitImage.fromUnsignedBytes(pixels, index(i) * DigitImage.PIXELS);
    }

    /** The raw unsigned byte of pixel {@code p} (0..783) of image {@code i}, 0..255. */
    public int rawPixel(int i, int p) {
        return pixels[index(i) * DigitImage.PIXELS + p] & 0xFF;
    }

    /** Writes image {@code i} as 784 floats in [0, 1] into {@code target} at {@code targetOffset}. */
    public void copyPixels(int i, float[] target, int targetOffset) {
        int from = index(i) * DigitImage.PIXELS;
        for (int p = 0; p < DigitImage.PIXELS; p++) {
            target[targetOffset + p] = (pixels[from + p] & 0xFF) / 255f;
        }
    }

    /** The first {@code n} images (all of them if there are fewer). */
    public MnistDataset first(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        return slice(0, Math.min(n, size));
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive). */
    public MnistDataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        return new MnistDataset(name, pixels, labels, offset + from, to - from);
    }

    private int index(int i) {
        Objects.checkIndex(i, size);
        return offset + i;
    }

    @Override
    public String toString() {
        return "MnistDataset[" + name() + ", " + size + " images]";
    }
}
