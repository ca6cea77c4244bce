package io.mnist.api.ood;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mnist.api.DigitImage;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.internal.ManifestJson;
import io.mnist.api.model.CorruptModelFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Tells images that are not digits (a letter, a stain, a scribble) from digits, for one model: the statistics and
 * thresholds behind {@link Prediction#outOfDistributionScore()}.
 *
 * <p>Two scores are combined, each found in the comparison in the project's RELIABILITY.md to catch what the
 * other misses:
 * <ul>
 *   <li>the image's distance from the principal subspace of the digit the network predicted
 *       ({@link DigitSubspaces#residual}), in pixel space: high for font letters, stains and scribbles, which no
 *       handwritten digit resembles pixel by pixel;</li>
 *   <li>one minus the network's confidence (the maximum softmax probability; Hendrycks and Gimpel, "A baseline for
 *       detecting misclassified and out-of-distribution examples", ICLR 2017): high for hand-drawn E, F, K and X,
 *       which the network cannot place.</li>
 * </ul>
 * Each is divided by its threshold and the larger is the score, unless a fixed check of the shape scores higher
 * ({@link DigitShape}: a flat mark or a blot, which both scores above call a digit): 1 is the threshold, above it
 * the image is called not a digit. The two thresholds are set together on MNIST images held apart from those the subspaces were
 * fitted on, so that their union rejects {@link Calibration#targetFalseRejectRate()} of those digits
 * (see {@link #fit}).
 *
 * <p>Immutable and thread-safe. Stored in a model file as the optional entry {@value #ENTRY}.
 */
public final class NotADigitDetector {
    /** The model-file entry holding the detector. */
    public static final String ENTRY = "ood/not-a-digit.bin";
    /** Principal components per digit by default: fewer reject fewer hand-drawn letters, more add file size. */
    public static final int DEFAULT_COMPONENTS = 20;
    /** The share of MNIST digits the threshold rejects by default: 1%. */
    public static final double DEFAULT_FALSE_REJECT_RATE = 0.01;
    /** The share of the training images held apart to set the threshold: the last twelfth (5,000 of 60,000). */
    public static final int CALIBRATION_SHARE = 12;
    /** The method, as recorded in {@link Calibration#method()}. */
    public static final String METHOD = "max(pixel-subspace residual of the predicted digit / its threshold,"
            + " (1 - confidence) / its threshold)";

    private static final byte[] MAGIC = "MNIST-OOD\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int P = DigitImage.PIXELS;
    private static final ObjectMapper JSON = ManifestJson.mapper();

    private final DigitSubspaces subspaces;
    private final Calibration calibration;

    /**
     * How a detector was fitted and where its thresholds stand.
     *
     * @param method                     {@link #METHOD}
     * @param components                 principal components per digit
     * @param fitData                    the images the subspaces were fitted on
     * @param calibrationData            the images the thresholds were set on (none of {@code fitData})
     * @param targetFalseRejectRate      the share of calibration digits the thresholds were asked to reject, in
     *                                   (0, 1)
     * @param calibrationFalseRejectRate the share they do reject, at most the target (ties and the finite number
     *                                   of images keep it a little below)
     * @param residualThreshold          residual distance (pixel units, see {@link DigitSubspaces#residual}) above
     *                                   which an image is not a digit
     * @param confidenceThreshold        {@code 1 - confidence} above which an image is not a digit, in [0, 1]
     */
    public record Calibration(String method, int components, TrainingData fitData, TrainingData calibrationData,
                              double targetFalseRejectRate, double calibrationFalseRejectRate,
                              double residualThreshold, double confidenceThreshold) {
        /** @throws IllegalArgumentException if a rate or threshold is out of range */
        public Calibration {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(fitData, "fitData");
            Objects.requireNonNull(calibrationData, "calibrationData");
            if (!(targetFalseRejectRate > 0 && targetFalseRejectRate < 1)) {
                throw new IllegalArgumentException("targetFalseRejectRate must be in (0, 1), not "
                        + targetFalseRejectRate);
            }
            if (!(calibrationFalseRejectRate >= 0 && calibrationFalseRejectRate <= 1)) {
                throw new IllegalArgumentException("calibrationFalseRejectRate must be in [0, 1], not "
                        + calibrationFalseRejectRate);
            }
            if (!(residualThreshold >= 0) || Double.isInfinite(residualThreshold)) {
                throw new IllegalArgumentException("residualThreshold must be finite and not negative, not "
                        + residualThreshold);
            }
            if (!(confidenceThreshold >= 0 && confidenceThreshold <= 1)) {
                throw new IllegalArgumentException("confidenceThreshold must be in [0, 1], not "
                        + confidenceThreshold);
            }
        }
    }

    /**
     * A detector from fitted subspaces and their calibration.
     *
     * @throws IllegalArgumentException if the calibration names another number of components
     */
    public NotADigitDetector(DigitSubspaces subspaces, Calibration calibration) {
        this.subspaces = Objects.requireNonNull(subspaces, "subspaces");
        this.calibration = Objects.requireNonNull(calibration, "calibration");
        if (calibration.components() != subspaces.components()) {
            throw new IllegalArgumentException("The calibration is for " + calibration.components()
                    + " components, the subspaces have " + subspaces.components());
        }
    }

    /**
     * Fits the subspaces on {@code fit} and sets both thresholds on {@code calibration}: the same quantile of each
     * score over the calibration digits, the highest quantile (found by bisection) at which the union rejects at
     * most {@code falseRejectRate} of them.
     *
     * @param fit             labelled digits to fit the subspaces on; at least two of each digit
     * @param calibration     other labelled digits, to set the thresholds on; at least one
     * @param predictions     the model's prediction for each calibration image, in order
     * @param components      principal components per digit, 0..784 ({@link #DEFAULT_COMPONENTS})
     * @param falseRejectRate the share of calibration digits to reject, in (0, 1)
     *                        ({@link #DEFAULT_FALSE_REJECT_RATE})
     * @return the detector
     * @throws IllegalArgumentException if a digit has fewer than two fit images, the calibration set is empty, the
     *                                  predictions do not match it, or a number is out of range
     */
    public static NotADigitDetector fit(MnistDataset fit, MnistDataset calibration, List<Prediction> predictions,
                                        int components, double falseRejectRate) {
        if (!(falseRejectRate > 0 && falseRejectRate < 1)) {
            throw new IllegalArgumentException("falseRejectRate must be in (0, 1), not " + falseRejectRate);
        }
        if (calibration.size() == 0 || predictions.size() != calibration.size()) {
            throw new IllegalArgumentException("The calibration set has " + calibration.size() + " images and "
                    + predictions.size() + " predictions; at least one image and one prediction each are needed");
        }
        DigitSubspaces subspaces = DigitSubspaces.fit(fit, components);
        int n = calibration.size();
        double[] residuals = new double[n];
        double[] doubts = new double[n];
        float[] pixels = new float[P];
        for (int i = 0; i < n; i++) {
            calibration.copyPixels(i, pixels, 0);
            residuals[i] = subspaces.residual(pixels, 0, predictions.get(i).digit());
            doubts[i] = 1 - predictions.get(i).confidence();
        }
        double[] sortedResiduals = residuals.clone();
        double[] sortedDoubts = doubts.clone();
        Arrays.sort(sortedResiduals);
        Arrays.sort(sortedDoubts);
        // Rejecting above the q-quantile of each: find the lowest q whose union still rejects no more than the target.
        double low = Math.max(0, 1 - 2 * falseRejectRate);
        double high = 1;
        for (int step = 0; step < 50; step++) {
            double q = (low + high) / 2;
            if (rejected(residuals, doubts, quantile(sortedResiduals, q), quantile(sortedDoubts, q))
                    > falseRejectRate * n) {
                low = q;
            } else {
                high = q;
            }
        }
        double residualThreshold = quantile(sortedResiduals, high);
        double confidenceThreshold = Math.min(1, Math.max(0, quantile(sortedDoubts, high)));
        int rejected = rejected(residuals, doubts, residualThreshold, confidenceThreshold);
        return new NotADigitDetector(subspaces, new Calibration(METHOD, components, TrainingData.of(fit),
                TrainingData.of(calibration), falseRejectRate, (double) rejected / n, residualThreshold,
                confidenceThreshold));
    }

    private static int rejected(double[] residuals, double[] doubts, double residualThreshold,
                                double confidenceThreshold) {
        int count = 0;
        for (int i = 0; i < residuals.length; i++) {
            if (residuals[i] > residualThreshold || doubts[i] > confidenceThreshold) {
                count++;
            }
        }
        return count;
    }

    /** The value at rank ceil(q n) of the sorted values (the empirical q-quantile), the largest for q = 1. */
    private static double quantile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /**
     * The out-of-distribution score of an image and the model's prediction for it: the largest of its residual
     * distance from the predicted digit's subspace and its {@code 1 - confidence}, each divided by its threshold,
     * and of {@link DigitShape#score} (a flat mark or a blot, which no MNIST digit is).
     *
     * @param pixels     784 values in [0, 1] from {@code offset}: the image the network saw, before any input
     *                   scale
     * @param offset     where the image starts
     * @param prediction the model's prediction for it
     * @return the score, in [0, infinity): above 1 the image is not a digit
     */
    public double score(float[] pixels, int offset, Prediction prediction) {
        double residual = subspaces.residual(pixels, offset, prediction.digit());
        double doubt = 1 - prediction.confidence();
        return Math.max(DigitShape.score(pixels, offset), Math.max(ratio(residual, calibration.residualThreshold()),
                ratio(doubt, calibration.confidenceThreshold())));
    }

    /** {@code value / threshold}, with a zero threshold rejecting anything above zero. */
    private static double ratio(double value, double threshold) {
        if (threshold > 0) {
            return Math.max(0, value / threshold);
        }
        return value > 0 ? Double.POSITIVE_INFINITY : 0;
    }

    /** The fitted subspaces. */
    public DigitSubspaces subspaces() {
        return subspaces;
    }

    /** How the detector was fitted and its thresholds. */
    public Calibration calibration() {
        return calibration;
    }

    /**
     * The detector as the bytes of the model-file entry {@value #ENTRY}: a marker line, a format version, the
     * calibration as JSON, then the means and bases as little-endian 32-bit floats.
     */
    public byte[] encode() {
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(calibration);
        } catch (IOException e) {
            throw new IllegalStateException("Could not write the detector's calibration as JSON", e);
        }
        int k = subspaces.components();
        int floats = DigitSubspaces.DIGITS * (1 + k) * P;
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 8 + header.length + floats * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putInt(VERSION).putInt(header.length).put(header);
        for (int d = 0; d < DigitSubspaces.DIGITS; d++) {
            for (float v : subspaces.mean(d)) {
                out.putFloat(v);
            }
            for (float v : subspaces.basis(d)) {
                out.putFloat(v);
            }
        }
        return out.array();
    }

    /**
     * Reads a detector written by {@link #encode()}.
     *
     * @param bytes  the entry's contents
     * @param source the model file, for messages
     * @return the detector
     * @throws CorruptModelFileException if the bytes are not a detector this version reads
     */
    public static NotADigitDetector decode(byte[] bytes, String source) throws CorruptModelFileException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length + 8 || !ByteBuffer.wrap(bytes, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw damaged(source, "it does not start with the detector's marker", null);
        }
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version != VERSION) {
            throw damaged(source, "it is of version " + version + ", this library reads version " + VERSION, null);
        }
        int headerLength = in.getInt();
        if (headerLength < 0 || headerLength > in.remaining()) {
            throw damaged(source, "its header length " + headerLength + " is past its end", null);
        }
        Calibration calibration;
        try {
            calibration = JSON.readValue(bytes, in.position(), headerLength, Calibration.class);
        } catch (IOException | RuntimeException e) {
            throw damaged(source, "its calibration is not readable (" + String.valueOf(e.getMessage()).lines()
                    .findFirst().orElse("") + ")", e);
        }
        in.position(in.position() + headerLength);
        int k = calibration.components();
        if (k < 0 || k > P) {
            throw damaged(source, "it declares " + k + " components", null);
        }
        long floats = (long) DigitSubspaces.DIGITS * (1 + k) * P;
        if (in.remaining() != floats * Float.BYTES) {
            throw damaged(source, "it should hold " + floats + " floats after its header but has "
                    + in.remaining() + " bytes", null);
        }
        float[][] means = new float[DigitSubspaces.DIGITS][P];
        float[][] bases = new float[DigitSubspaces.DIGITS][k * P];
        for (int d = 0; d < DigitSubspaces.DIGITS; d++) {
            in.asFloatBuffer().get(means[d]);
            in.position(in.position() + P * Float.BYTES);
            in.asFloatBuffer().get(bases[d]);
            in.position(in.position() + k * P * Float.BYTES);
        }
        for (int d = 0; d < DigitSubspaces.DIGITS; d++) {
            for (float v : means[d]) {
                if (!Float.isFinite(v)) {
                    throw damaged(source, "the mean of digit " + d + " holds " + v, null);
                }
            }
            for (float v : bases[d]) {
                if (!Float.isFinite(v)) {
                    throw damaged(source, "the subspace of digit " + d + " holds " + v, null);
                }
            }
        }
        return new NotADigitDetector(new DigitSubspaces(k, means, bases), calibration);
    }

    private static CorruptModelFileException damaged(String source, String what, Throwable cause) {
        return new CorruptModelFileException(source + ": its entry " + ENTRY + " (the not-a-digit detector) cannot"
                + " be read: " + what + ". Run 'mnist calibrate --model FILE' to write it again.", cause);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotADigitDetector d && d.subspaces.equals(subspaces) && d.calibration.equals(calibration);
    }

    @Override
    public int hashCode() {
        return 31 * subspaces.hashCode() + calibration.hashCode();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "NotADigitDetector[%d components, rejects %.2f%% of %d"
                + " calibration digits]", subspaces.components(), 100 * calibration.calibrationFalseRejectRate(),
                calibration.calibrationData().images());
    }
}
