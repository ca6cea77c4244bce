package io.mnist.api;

/**
 * Random changes made to each training image as it is used, so a network learns digits written a little
 * differently from MNIST's: shifted, turned, larger or smaller, with a thinner or bolder pen. Applied by the API's
 * training loop, so every backend trains on the same augmented images for the same seed. Validation images are
 * never changed.
 *
 * @param maxShift         largest shift in pixels (of 28), each way
 * @param maxRotation      largest rotation in degrees, each way
 * @param minScale         smallest scale factor
 * @param maxScale         largest scale factor
 * @param strokeChange     probability that the stroke is made thicker or thinner (half each)
 */
public record Augmentation(double maxShift, double maxRotation, double minScale, double maxScale,
                           double strokeChange) {
    /** No augmentation: images are used as they are. */
    public static final Augmentation NONE = new Augmentation(0, 0, 1, 1, 0);

    public Augmentation {
        if (maxShift < 0 || maxShift > 8 || maxRotation < 0 || maxRotation > 45) {
            throw new IllegalArgumentException("Shift must be 0..8 pixels and rotation 0..45 degrees, got "
                    + maxShift + " and " + maxRotation);
        }
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 2)) {
            throw new IllegalArgumentException("Scale must satisfy 0 < min <= max <= 2, got " + minScale + ".."
                    + maxScale);
        }
        if (strokeChange < 0 || strokeChange > 1) {
            throw new IllegalArgumentException("strokeChange is a probability, got " + strokeChange);
        }
    }

    /** Small changes that keep every digit readable: 2 pixels, 10 degrees, 0.9-1.1, a third of strokes. */
    public static Augmentation standard() {
        return new Augmentation(2, 10, 0.9, 1.1, 0.33);
    }

    /** True if this changes nothing. */
    public boolean isNone() {
        return maxShift == 0 && maxRotation == 0 && minScale == 1 && maxScale == 1 && strokeChange == 0;
    }
}
