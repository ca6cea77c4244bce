package io.mnist.api;

import java.util.Arrays;

/**
 * What a classifier says about one image: the most probable digit, its probability, and the probability of every
 * class.
 *
 * <p>Most models have ten classes, the digits 0-9. A model may have more (an imported Keras model with an eleventh
 * "not a digit" class, say): then classes 0-9 are still the digits, {@link #digit()} is the most probable digit,
 * and {@link #otherProbability()} is what the model gives to the classes that are not digits.
 *
 * <p>A high confidence does not mean the image is a digit: a network trained on digits gives a letter "X" or a
 * stain a digit too, often at 99%. {@link #outOfDistributionScore()} and {@link #notADigit()} say whether the image
 * looks like a digit at all, when the model file holds the statistics for it
 * ({@link io.mnist.api.ModelInfo#notADigitDetector()}).
 *
 * @param digit                  the most probable digit, 0..9
 * @param confidence             the probability of {@code digit}
 * @param probabilities          one probability per class, at least ten, summing to about 1; index {@code d < 10}
 *                               is the digit {@code d} (copied; do not rely on identity)
 * @param outOfDistributionScore how unlike the MNIST digits the image is, in [0, infinity), 1 being the calibrated
 *                               threshold; {@link Double#NaN} when the model has no statistics to tell (see
 *                               {@link #outOfDistributionScore()})
 */
public record Prediction(int digit, float confidence, float[] probabilities, double outOfDistributionScore) {

    /**
     * Checks the shape.
     *
     * @throws IllegalArgumentException if there are fewer than ten probabilities, {@code digit} is not 0..9 or the
     *                                  score is negative ({@code NaN} is allowed: no score)
     */
    public Prediction {
        if (probabilities.length < 10) {
            throw new IllegalArgumentException("A prediction has at least 10 probabilities (one per digit), got "
                    + probabilities.length);
        }
        if (digit < 0 || digit > 9) {
            throw new IllegalArgumentException("digit must be 0..9, got " + digit);
        }
        if (outOfDistributionScore < 0) {
            throw new IllegalArgumentException("outOfDistributionScore must be at least 0 or NaN, got "
                    + outOfDistributionScore);
        }
        probabilities = probabilities.clone();
    }

    /**
     * A prediction without an out-of-distribution score ({@link Double#NaN}).
     *
     * @throws IllegalArgumentException if there are fewer than ten probabilities or {@code digit} is not 0..9
     */
    public Prediction(int digit, float confidence, float[] probabilities) {
        this(digit, confidence, probabilities, Double.NaN);
    }

    /**
     * How unlike the MNIST training digits the image is: 0 for a typical digit, 1 at the model's calibrated
     * threshold, higher the less it looks like a digit; {@link Double#NaN} if the model file has no not-a-digit
     * statistics (models saved before they existed, imported ones; add them with {@code mnist calibrate}).
     *
     * <p>It is the largest of three ratios (see {@link io.mnist.api.ood.NotADigitDetector}): the image's distance
     * from the pixel subspace of the predicted digit over its threshold, {@code 1 - confidence} over its threshold,
     * and a fixed check of the shape that no MNIST digit fails ({@link io.mnist.api.ood.DigitShape}: a flat mark
     * such as a minus sign, or a blot such as a filled dot).
     * The thresholds are set on MNIST training images held apart from those the statistics were fitted on, to
     * reject 1% of them; on the 10,000 MNIST test images the bundled models' score rejects 1.30% (README and
     * RELIABILITY.md give the rates on real handwriting, letters, stains and scribbles).
     *
     * @return the score in [0, infinity), or NaN when unavailable
     */
    @Override
    public double outOfDistributionScore() {
        return outOfDistributionScore;
    }

    /** Whether this prediction carries an {@link #outOfDistributionScore()} (the model has the statistics). */
    public boolean hasOutOfDistributionScore() {
        return !Double.isNaN(outOfDistributionScore);
    }

    /**
     * Whether the image is probably not a digit at all (a letter, a stain, a scribble): its
     * {@link #outOfDistributionScore()} is above 1, the threshold calibrated to reject 1% of MNIST digits. False when
     * the score is unavailable: no statistics, no verdict.
     */
    public boolean notADigit() {
        return outOfDistributionScore > 1;
    }

    /**
     * This prediction with {@code score} as its {@link #outOfDistributionScore()}.
     *
     * @param score in [0, infinity), or NaN for none
     * @return a copy with that score
     * @throws IllegalArgumentException if {@code score} is negative
     */
    public Prediction withOutOfDistributionScore(double score) {
        return new Prediction(digit, confidence, probabilities, score);
    }

    /** Builds a prediction from ten probabilities, choosing the most probable digit (the lowest on a tie). */
    public static Prediction fromProbabilities(float[] probabilities) {
        return fromProbabilities(probabilities, 0, probabilities.length);
    }

    /** As {@link #fromProbabilities(float[])}, reading ten values of {@code rows} from {@code offset}. */
    public static Prediction fromProbabilities(float[] rows, int offset) {
        return fromProbabilities(rows, offset, 10);
    }

    /**
     * Builds a prediction from {@code classes} probabilities of {@code rows} from {@code offset}: the most probable
     * of the first ten (the digits; the lowest on a tie), with all of them kept.
     *
     * @throws IllegalArgumentException if {@code classes} is below ten
     */
    public static Prediction fromProbabilities(float[] rows, int offset, int classes) {
        if (classes < 10) {
            throw new IllegalArgumentException("A prediction has at least 10 classes, got " + classes);
        }
        int best = 0;
        for (int d = 1; d < 10; d++) {
            if (rows[offset + d] > rows[offset + best]) {
                best = d;
            }
        }
        return new Prediction(best, rows[offset + best], Arrays.copyOfRange(rows, offset, offset + classes));
    }

    /** Classes the model has: 10, or more when it has classes that are not digits. */
    public int classes() {
        return probabilities.length;
    }

    /**
     * The probability of the classes beyond the ten digits (for example a "not a digit" class); 0 for a
     * ten-class model.
     */
    public float otherProbability() {
        float sum = 0;
        for (int c = 10; c < probabilities.length; c++) {
            sum += probabilities[c];
        }
        return sum;
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** The probability given to class {@code d} (the digit {@code d} when {@code d < 10}). */
    public float probability(int d) {
        return probabilities[d];
    }

    /** Whether the confidence reaches {@code threshold}; answers below it should be treated as "don't know". */
    public boolean isConfident(double threshold) {
        return confidence >= threshold;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && p.digit == digit && Float.compare(p.confidence, confidence) == 0
                && Arrays.equals(p.probabilities, probabilities)
                && Double.compare(p.outOfDistributionScore, outOfDistributionScore) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * digit + Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return hasOutOfDistributionScore()
                ? String.format("Prediction[digit=%d, confidence=%.4f, outOfDistributionScore=%.3f%s]", digit,
                        confidence, outOfDistributionScore, notADigit() ? ", not a digit" : "")
                : String.format("Prediction[digit=%d, confidence=%.4f]", digit, confidence);
    }

    /**
     * The largest difference between any two corresponding probabilities of two lists of predictions: how far two
     * models (or a model and its reloaded copy) disagree on the same images.
     *
     * @throws IllegalArgumentException if the lists differ in length
     */
    public static double largestDifference(java.util.List<Prediction> a, java.util.List<Prediction> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("Cannot compare " + a.size() + " predictions with " + b.size());
        }
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int d = 0; d < a.get(i).probabilities.length; d++) {
                worst = Math.max(worst, Math.abs(a.get(i).probabilities[d] - b.get(i).probabilities[d]));
            }
        }
        return worst;
    }
}
