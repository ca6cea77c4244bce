package io.mnist.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable evaluation of one model on one labelled dataset: accuracy, mean cross-entropy, the 10x10 confusion
 * matrix, per-class precision, recall and F1, and which images were misclassified.
 *
 * <p>Computed once, here, from labels and predicted probabilities, so every backend reports the same figures.
 */
public final class Evaluation {
    private static final double MIN_PROBABILITY = 1e-7;

    private final int[][] confusion;
    private final double meanLoss;
    private final int[] misclassified;
    private final int total;
    private final int correct;
    private final float[] confidences;
    private final boolean[] right;

    private Evaluation(int[][] confusion, double meanLoss, int[] misclassified, int total, int correct,
                       float[] confidences, boolean[] right) {
        this.confusion = confusion;
        this.meanLoss = meanLoss;
        this.misclassified = misclassified;
        this.total = total;
        this.correct = correct;
        this.confidences = confidences;
        this.right = right;
    }

    /**
     * Answers in one band of confidence: how sure the model said it was, and how often it was right.
     *
     * @param from           lower edge of the band (inclusive)
     * @param to             upper edge (exclusive, except 1.0)
     * @param count          answers in the band
     * @param meanConfidence their mean confidence
     * @param accuracy       the share of them that were right
     */
    public record CalibrationBin(double from, double to, int count, double meanConfidence, double accuracy) {
    }

    /**
     * What rejecting answers below a confidence threshold does.
     *
     * @param threshold the least confidence accepted
     * @param coverage  the share of images answered
     * @param accuracy  the share of answered images that were right (1 if none were answered)
     */
    public record Rejection(double threshold, double coverage, double accuracy) {
    }

    /**
     * Evaluates ten probabilities per image against the true labels.
     *
     * @param labels        true digits, one per image
     * @param probabilities {@code labels.length * 10} values, ten per image in label order
     * @throws IllegalArgumentException if the sizes disagree, there are no images, or a label is not 0..9
     */
    public static Evaluation of(int[] labels, float[] probabilities) {
        return of(labels, probabilities, 10);
    }

    /**
     * Evaluates {@code classes} probabilities per image against the true labels; the first ten of each image are
     * the digits, and the prediction is the most probable digit (see {@link Prediction}).
     *
     * @param labels        true digits, one per image
     * @param probabilities {@code labels.length * classes} values, image after image in label order
     * @param classes       probabilities per image, at least 10
     * @throws IllegalArgumentException if the sizes disagree, there are no images, or a label is not 0..9
     */
    public static Evaluation of(int[] labels, float[] probabilities, int classes) {
        if (labels.length == 0) {
            throw new IllegalArgumentException("Cannot evaluate on zero images");
        }
        if (classes < 10 || probabilities.length != (long) labels.length * classes) {
            throw new IllegalArgumentException("Expected " + (long) labels.length * classes + " probabilities for "
                    + labels.length + " images of " + classes + " classes, got " + probabilities.length);
        }
        int[][] confusion = new int[10][10];
        List<Integer> wrong = new ArrayList<>();
        double lossSum = 0;
        int correct = 0;
        float[] confidences = new float[labels.length];
        boolean[] right = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i];
            if (label < 0 || label > 9) {
                throw new IllegalArgumentException("Label " + i + " is " + label + ", not a digit");
            }
            Prediction prediction = Prediction.fromProbabilities(probabilities, i * classes, classes);
            int predicted = prediction.digit();
            confidences[i] = prediction.confidence();
            right[i] = predicted == label;
            confusion[label][predicted]++;
            if (predicted == label) {
                correct++;
            } else {
                wrong.add(i);
            }
            lossSum -= Math.log(Math.max(probabilities[i * classes + label], MIN_PROBABILITY));
        }
        return new Evaluation(confusion, lossSum / labels.length,
                wrong.stream().mapToInt(Integer::intValue).toArray(), labels.length, correct, confidences, right);
    }

    /** Images evaluated. */
    public int total() {
        return total;
    }

    /** Images classified right. */
    public int correct() {
        return correct;
    }

    /** Fraction of images classified right. */
    public double accuracy() {
        return (double) correct / total;
    }

    /** Mean categorical cross-entropy, with probabilities clipped at 1e-7 as Keras does. */
    public double meanLoss() {
        return meanLoss;
    }

    /** A copy of the confusion matrix: {@code [true digit][predicted digit]} counts. */
    public int[][] confusion() {
        int[][] copy = new int[10][];
        for (int i = 0; i < 10; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /** Of the images predicted as {@code digit}, the fraction that really are it (0 if none was predicted). */
    public double precision(int digit) {
        int predicted = 0;
        for (int t = 0; t < 10; t++) {
            predicted += confusion[t][digit];
        }
        return predicted == 0 ? 0 : (double) confusion[digit][digit] / predicted;
    }

    /** Of the images that are {@code digit}, the fraction predicted as it (0 if there were none). */
    public double recall(int digit) {
        int actual = Arrays.stream(confusion[digit]).sum();
        return actual == 0 ? 0 : (double) confusion[digit][digit] / actual;
    }

    /** The harmonic mean of precision and recall for {@code digit}. */
    public double f1(int digit) {
        double p = precision(digit);
        double r = recall(digit);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Indices (into the evaluated dataset) of the misclassified images, ascending. */
    public int[] misclassified() {
        return misclassified.clone();
    }

    /**
     * Confidence against accuracy in ten bands of width 0.1: a calibrated model is right in about 90% of the
     * answers it gives with 90% confidence.
     */
    public List<CalibrationBin> calibration() {
        int bins = 10;
        int[] count = new int[bins];
        double[] confidence = new double[bins];
        int[] hits = new int[bins];
        for (int i = 0; i < total; i++) {
            int b = Math.min(bins - 1, (int) (confidences[i] * bins));
            count[b]++;
            confidence[b] += confidences[i];
            hits[b] += right[i] ? 1 : 0;
        }
        List<CalibrationBin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            out.add(new CalibrationBin(b / (double) bins, (b + 1) / (double) bins, count[b],
                    count[b] == 0 ? 0 : confidence[b] / count[b], count[b] == 0 ? 0 : (double) hits[b] / count[b]));
        }
        return out;
    }

    /** Expected calibration error: the mean gap between confidence and accuracy over the bands, weighted by count. */
    public double expectedCalibrationError() {
        double ece = 0;
        for (CalibrationBin b : calibration()) {
            ece += (double) b.count() / total * Math.abs(b.meanConfidence() - b.accuracy());
        }
        return ece;
    }

    /** The effect of answering only when at least {@code threshold} sure. */
    public Rejection rejecting(double threshold) {
        int answered = 0;
        int hits = 0;
        for (int i = 0; i < total; i++) {
            if (confidences[i] >= threshold) {
                answered++;
                hits += right[i] ? 1 : 0;
            }
        }
        return new Rejection(threshold, (double) answered / total, answered == 0 ? 1 : (double) hits / answered);
    }

    /** A readable report: headline figures, per-class table and confusion matrix. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Accuracy %.2f%% (%d of %d), mean loss %.4f%n",
                100 * accuracy(), correct, total, meanLoss));
        sb.append(String.format("%n%5s %9s %9s %9s %7s%n", "digit", "precision", "recall", "f1", "count"));
        for (int d = 0; d < 10; d++) {
            sb.append(String.format("%5d %9.4f %9.4f %9.4f %7d%n", d, precision(d), recall(d), f1(d),
                    Arrays.stream(confusion[d]).sum()));
        }
        sb.append(String.format("%nConfusion matrix (rows: true digit, columns: predicted)%n      "));
        for (int p = 0; p < 10; p++) {
            sb.append(String.format("%6d", p));
        }
        sb.append(System.lineSeparator());
        for (int t = 0; t < 10; t++) {
            sb.append(String.format("%6d", t));
            for (int p = 0; p < 10; p++) {
                sb.append(String.format("%6d", confusion[t][p]));
            }
            sb.append(System.lineSeparator());
        }
        sb.append(String.format("%nCalibration (expected calibration error %.4f)%n%11s %7s %10s %9s%n",
                expectedCalibrationError(), "confidence", "answers", "mean conf", "accuracy"));
        for (CalibrationBin b : calibration()) {
            if (b.count() > 0) {
                sb.append(String.format("%4.1f-%-6.1f %7d %10.4f %9.4f%n", b.from(), b.to(), b.count(),
                        b.meanConfidence(), b.accuracy()));
            }
        }
        sb.append(String.format("%nRejecting uncertain answers%n%9s %9s %9s%n", "threshold", "answered", "accuracy"));
        for (double t : new double[] {0.5, 0.8, 0.9, 0.99}) {
            Rejection r = rejecting(t);
            sb.append(String.format("%9.2f %8.2f%% %8.2f%%%n", t, 100 * r.coverage(), 100 * r.accuracy()));
        }
        return sb.toString();
    }
}
