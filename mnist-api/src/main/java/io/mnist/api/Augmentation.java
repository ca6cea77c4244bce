package io.mnist.api;

/**
 * Random changes made to each training image as it is used, so a network learns digits written a little
 * differently from MNIST's: shifted, turned, larger or smaller, with a thinner or bolder pen. Applied by the API's
 * training loop, so every backend trains on the same augmented images for the same seed. Validation images are
 * never changed.
 *
 * <p>{@code letterforms} adds the shapes that people write and MNIST's writers rarely did (issue 15, kind 7): a
 * 1 with a long flag up to its top (and sometimes a foot), a 6 whose top is a flat bar, a 7 crossed in the middle.
 * They are drawn onto the digit before the warp, in its own pen width, so they are shifted and turned with it.
 *
 * @param maxShift         largest shift in pixels (of 28), each way
 * @param maxRotation      largest rotation in degrees, each way
 * @param minScale         smallest scale factor
 * @param maxScale         largest scale factor
 * @param strokeChange     probability that the stroke is made thicker or thinner (half each)
 * @param letterforms      probability that a 1, 6 or 7 is given its other letterform (0 in files written before
 *                         this field existed)
 */
public record Augmentation(double maxShift, double maxRotation, double minScale, double maxScale,
                           double strokeChange, double letterforms) {
    /** No augmentation: images are used as they are. */
    public static final Augmentation NONE = new Augmentation(0, 0, 1, 1, 0, 0);

    public Augmentation {
        if (maxShift < 0 || maxShift > 8 || maxRotation < 0 || maxRotation > 45) {
            throw new IllegalArgumentException("Shift must be 0..8 pixels and rotation 0..45 degrees, got "
                    + maxShift + " and " + maxRotation);
        }
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 2)) {
            throw new IllegalArgumentException("Scale must satisfy 0 < min <= max <= 2, got " + minScale + ".."
                    + maxScale);
        }
        if (!(strokeChange >= 0 && strokeChange <= 1) || !(letterforms >= 0 && letterforms <= 1)) {
            throw new IllegalArgumentException("strokeChange and letterforms are probabilities, got " + strokeChange
                    + " and " + letterforms);
        }
    }

    /** Without other letterforms, as before they existed. */
    public Augmentation(double maxShift, double maxRotation, double minScale, double maxScale, double strokeChange) {
        this(maxShift, maxRotation, minScale, maxScale, strokeChange, 0);
    }

    /**
     * Small changes that keep every digit readable: 2 pixels, 10 degrees, 0.9-1.1, a third of strokes, and a
     * quarter of the 1s, 6s and 7s in their other letterform.
     */
    public static Augmentation standard() {
        return new Augmentation(2, 10, 0.9, 1.1, 0.33, 0.25);
    }

    /** True if this changes nothing. */
    public boolean isNone() {
        return maxShift == 0 && maxRotation == 0 && minScale == 1 && maxScale == 1 && strokeChange == 0
                && letterforms == 0;
    }
}
