package io.mnist.api;

import java.awt.Rectangle;
import java.util.List;
import java.util.Objects;

/**
 * A number read from an image of several digits in one row.
 *
 * @param text   the digits, left to right
 * @param digits each digit's prediction and where it was found
 */
public record NumberReading(String text, List<Digit> digits) {

    public NumberReading {
        Objects.requireNonNull(text, "text");
        digits = List.copyOf(digits);
    }

    /**
     * One digit of the number.
     *
     * @param prediction what the classifier said
     * @param box        the digit's place in the image, in pixels
     */
    public record Digit(Prediction prediction, Rectangle box) {
        public Digit {
            Objects.requireNonNull(prediction, "prediction");
            box = new Rectangle(box);
        }

        @Override
        public Rectangle box() {
            return new Rectangle(box);
        }
    }

    /** Builds the reading from per-digit answers. */
    public static NumberReading of(List<Digit> digits) {
        StringBuilder text = new StringBuilder();
        for (Digit d : digits) {
            text.append(d.prediction().digit());
        }
        return new NumberReading(text.toString(), digits);
    }

    /**
     * How sure the reading is: the product of the digits' confidences, so that the chance of the whole number
     * being right is what it estimates.
     */
    public double confidence() {
        double c = 1;
        for (Digit d : digits) {
            c *= d.prediction().confidence();
        }
        return c;
    }

    /** True if the whole number is at least {@code threshold} sure. */
    public boolean isConfident(double threshold) {
        return confidence() >= threshold;
    }
}
