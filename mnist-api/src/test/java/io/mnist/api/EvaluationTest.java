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
                .hasMessage("Expected 20 probabilities for 2 images, got 10");
        assertThatThrownBy(() -> Evaluation.of(new int[0], new float[0])).hasMessageContaining("zero images");
        assertThatThrownBy(() -> Evaluation.of(new int[] {12}, new float[10])).hasMessageContaining("not a digit");
    }
}
