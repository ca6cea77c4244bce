package io.mnist.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvaluationTest {
    private static float[] oneHot(float p, int... digits) {
        float[] out = new float[digits.length * 10];
        for (int i = 0; i < digits.length; i++) {
            java.util.Arrays.fill(out, i * 10, i * 10 + 10, (1 - p) / 9);
            out[i * 10 + digits[i]] = p;
        }
        return out;
    }

    @Test
    void computesAccuracyLossConfusionAndPerClassFigures() {
        int[] labels = {0, 0, 1, 1, 2};
        Evaluation ev = Evaluation.of(labels, oneHot(0.8f, 0, 1, 1, 1, 2));
        assertThat(ev.total()).isEqualTo(5);
        assertThat(ev.correct()).isEqualTo(4);
        assertThat(ev.accuracy()).isEqualTo(0.8);
        double wrong = -Math.log((1 - 0.8) / 9);
        assertThat(ev.meanLoss()).isCloseTo((4 * -Math.log(0.8) + wrong) / 5, within(1e-6));
        assertThat(ev.confusion()[0]).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(ev.confusion()[1][1]).isEqualTo(2);
        assertThat(ev.precision(1)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(ev.recall(0)).isEqualTo(0.5);
        assertThat(ev.f1(1)).isCloseTo(0.8, within(1e-12));
        assertThat(ev.precision(7)).as("never predicted").isZero();
        assertThat(ev.misclassified()).containsExactly(1);
        assertThat(ev.toString()).contains("Accuracy 80.00% (4 of 5)").contains("Confusion matrix");
    }

    @Test
    void clipsProbabilitiesLikeKeras() {
        float[] p = new float[10];
        p[3] = 1f;
        Evaluation ev = Evaluation.of(new int[] {5}, p);
        assertThat(ev.meanLoss()).isCloseTo(-Math.log(1e-7), within(1e-9));
    }

    @Test
    void rejectsMismatchedSizesAndEmptyInput() {
        assertThatThrownBy(() -> Evaluation.of(new int[] {1, 2}, new float[10]))
                .hasMessage("Expected 20 probabilities for 2 images of 10 classes, got 10");
        assertThatThrownBy(() -> Evaluation.of(new int[0], new float[0])).hasMessageContaining("zero images");
        assertThatThrownBy(() -> Evaluation.of(new int[] {12}, new float[10])).hasMessageContaining("not a digit");
    }

    @org.junit.jupiter.api.Test
    void calibrationComparesConfidenceWithAccuracyAndRejectionTradesCoverage() {
        // Four images: two answered at 0.95 (one right), two at 0.55 (both right).
        int[] labels = {0, 1, 2, 3};
        float[] probs = new float[40];
        probs[0] = 0.95f;
        probs[10] = 0.95f;            // says 0, truth 1: wrong
        probs[20 + 2] = 0.55f;
        probs[30 + 3] = 0.55f;
        for (int i = 0; i < 4; i++) {
            float rest = (1 - (i < 2 ? 0.95f : 0.55f)) / 9;
            for (int d = 0; d < 10; d++) {
                if (probs[i * 10 + d] == 0) {
                    probs[i * 10 + d] = rest;
                }
            }
        }
        Evaluation ev = Evaluation.of(labels, probs);
        var bins = ev.calibration();
        org.assertj.core.api.Assertions.assertThat(bins).hasSize(10);
        org.assertj.core.api.Assertions.assertThat(bins.get(9).count()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThat(bins.get(9).accuracy()).isEqualTo(0.5);
        org.assertj.core.api.Assertions.assertThat(bins.get(5).count()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThat(bins.get(5).accuracy()).isEqualTo(1.0);
        // |0.95 - 0.5| * 2/4 + |0.55 - 1| * 2/4
        org.assertj.core.api.Assertions.assertThat(ev.expectedCalibrationError())
                .isCloseTo(0.45, org.assertj.core.api.Assertions.within(1e-6));
        var strict = ev.rejecting(0.9);
        org.assertj.core.api.Assertions.assertThat(strict.coverage()).isEqualTo(0.5);
        org.assertj.core.api.Assertions.assertThat(strict.accuracy()).isEqualTo(0.5);
        org.assertj.core.api.Assertions.assertThat(ev.rejecting(0.5).coverage()).isEqualTo(1.0);
        org.assertj.core.api.Assertions.assertThat(ev.toString()).contains("Calibration").contains("Rejecting");
    }
}
