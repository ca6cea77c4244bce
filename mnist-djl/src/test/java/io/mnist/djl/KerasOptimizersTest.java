package io.mnist.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our optimisers follow Keras' formulas, checked step by step against the same arithmetic done by hand. */
class KerasOptimizersTest {
    private static final float[] START = {0.5f, -1f, 2f};
    private static final float[][] GRADIENTS = {{0.1f, 0f, 3f}, {-0.4f, -0.2f, 1f}, {0.05f, 0.3f, -2f}, {1f, 1f, 1f}};
    private static final float LR = 0.01f;
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = DjlEngine.get().newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void rmsPropKeepsAMovingMeanOfSquaresWithEpsilonInsideTheRoot() {
        double[] w = toDouble(START);
        double[] ms = new double[w.length];
        NDArray weight = manager.create(START);
        KerasRmsProp rmsProp = new KerasRmsProp(LR);
        for (float[] g : GRADIENTS) {
            rmsProp.update("w", weight, manager.create(g));
            for (int i = 0; i < w.length; i++) {
                ms[i] = 0.9 * ms[i] + 0.1 * g[i] * g[i];
                w[i] -= LR * g[i] / Math.sqrt(ms[i] + 1e-7);
            }
            assertClose(weight.toFloatArray(), w);
        }
        // The first step with gradient g moves by lr * g / sqrt(0.1 g^2) = lr * sqrt(10) in the direction of -g.
        assertThat(START[0] - LR * Math.sqrt(10)).isCloseTo(0.5 - 0.0316228, within(1e-6));
    }

    @Test
    void rmsPropKeepsSeparateStatePerParameter() {
        NDArray a = manager.create(new float[] {1f});
        NDArray b = manager.create(new float[] {1f});
        KerasRmsProp rmsProp = new KerasRmsProp(LR);
        rmsProp.update("a", a, manager.create(new float[] {10f}));
        rmsProp.update("b", b, manager.create(new float[] {0.1f}));
        // Each parameter's first step has the same size whatever the gradient's scale, as RMSProp promises.
        assertThat(a.getFloat()).isCloseTo(b.getFloat(), within(1e-5f));
        assertThat(a.getFloat()).isCloseTo((float) (1 - LR * Math.sqrt(10)), within(1e-5f));
    }

    @Test
    void adamFoldsBiasCorrectionIntoTheStepAsKerasDoes() {
        checkAdam(t -> LR);
    }

    @Test
    void aChangedLearningRateScalesTheNextStepsAndKeepsTheMoments() {
        checkAdam(t -> t <= 2 ? LR : LR / 4);   // the schedule lowers the rate after two steps
    }

    /** Runs Adam over the gradients with the rate {@code lr(t)} at step t, checking each step by hand. */
    private static void checkAdam(java.util.function.IntFunction<Float> lr) {
        double[] w = toDouble(START);
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        NDArray weight = manager.create(START);
        KerasAdam adam = new KerasAdam(LR);
        int t = 0;
        for (float[] g : GRADIENTS) {
            t++;
            adam.learningRate(lr.apply(t));
            adam.update("w", weight, manager.create(g));
            double step = lr.apply(t) * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            for (int i = 0; i < w.length; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                w[i] -= step * m[i] / (Math.sqrt(v[i]) + 1e-7);
            }
            assertClose(weight.toFloatArray(), w);
        }
    }

    private static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("weight %d", i).isCloseTo(expected[i], within(2e-6));
        }
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
