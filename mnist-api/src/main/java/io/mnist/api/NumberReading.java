package io.mnist.api;

import java.awt.Rectangle;
import java.util.List;
import java.util.Objects;

/**
 * A number read from an image of several digits in one row.
 *
 * @param text         the digits, left to right, with a "." between two digits where a decimal point or comma lies
 *                     between them in the image, a "-" where a minus sign stands before the first digit or a hyphen
 *                     between two, and a ":" where a colon stands between two (see
 *                     {@link io.mnist.api.image.NumberReader}); one character per digit otherwise
 * @param digits       each digit's prediction and where it was found
 * @param segmentation how likely the split of the ink into these digits is, in (0, 1]: the reading's weight among
 *                     every other way the ink could be split into digits (see
 *                     {@link io.mnist.api.image.NumberReader}); 1 when no other split was plausible
 */
public record NumberReading(String text, List<Digit> digits, double segmentation) {

    /** @throws IllegalArgumentException if {@code segmentation} is not in (0, 1] */
    public NumberReading {
        Objects.requireNonNull(text, "text");
        digits = List.copyOf(digits);
        if (!(segmentation > 0 && segmentation <= 1)) {
            throw new IllegalArgumentException("segmentation must be in (0, 1], not " + segmentation);
        }
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

        /** For example {@code Digit[prediction=Prediction[digit=7, ...], box=22,22 112x112]}. */
        @Override
        public String toString() {
            return "Digit[prediction=" + prediction + ", box=" + box.x + "," + box.y + " " + box.width + "x"
                    + box.height + "]";
        }
    }

    /** Builds the reading from per-digit answers, with no other split of the ink in question. */
    public static NumberReading of(List<Digit> digits) {
        return of(digits, 1);
    }

    /** Builds the reading from per-digit answers and the likelihood of their split ({@link #segmentation()}). */
    public static NumberReading of(List<Digit> digits, double segmentation) {
        StringBuilder text = new StringBuilder();
        for (Digit d : digits) {
            text.append(d.prediction().digit());
        }
        return new NumberReading(text.toString(), digits, segmentation);
    }

    /**
     * How sure the reading is: the product of the digits' confidences and of the {@link #segmentation()}, so that
     * the chance of the whole number being right is what it estimates, and a reading that another split of the ink
     * would nearly equal is not called sure.
     */
    public double confidence() {
        double c = segmentation;
        for (Digit d : digits) {
            c *= d.prediction().confidence();
        }
        return c;
    }

    /**
     * The largest {@link Prediction#outOfDistributionScore()} of the digits: how unlike a digit the least digit-like
     * of them is, 1 being the model's threshold; {@link Double#NaN} if the model has no not-a-digit statistics.
     */
    public double outOfDistributionScore() {
        double worst = digits.isEmpty() ? Double.NaN : 0;
        for (Digit d : digits) {
            worst = Math.max(worst, d.prediction().outOfDistributionScore());
        }
        return worst;
    }

    /** True if any of the digits is probably not a digit ({@link Prediction#notADigit()}). */
    public boolean containsNonDigit() {
        return digits.stream().anyMatch(d -> d.prediction().notADigit());
    }

    /** True if the whole number is at least {@code threshold} sure. */
    public boolean isConfident(double threshold) {
        return confidence() >= threshold;
    }
}
