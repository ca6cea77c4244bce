package io.mnist.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MatmulPeakTest {

    @Test
    void runsTheProductOnceUntimedThenOncePerRepetitionAndGivesAPositiveRate() {
        int n = 32;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        java.util.Arrays.fill(a, 1);
        java.util.Arrays.fill(b, 2);
        AtomicInteger calls = new AtomicInteger();
        OptionalDouble gflops = MatmulPeak.measure(n, 3, () -> {
            calls.incrementAndGet();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    float s = 0;
                    for (int k = 0; k < n; k++) {
                        s += a[i * n + k] * b[k * n + j];
                    }
                    c[i * n + j] = s;
                }
            }
        });
        assertThat(calls).as("one untimed product, then one per repetition").hasValue(4);
        assertThat(c[0]).as("the product ran").isEqualTo(2f * n);
        assertThat(gflops).isPresent();
        assertThat(gflops.getAsDouble()).as("GFLOP/s").isPositive().isFinite();
    }

    @Test
    void refusesSizesAndRepetitionsOutOfRangeBeforeRunningAnything() {
        AtomicInteger calls = new AtomicInteger();
        for (int[] bad : new int[][] {{0, 1}, {-1, 1}, {MatmulPeak.MAX_SIZE + 1, 1}, {8, 0}}) {
            assertThatThrownBy(() -> MatmulPeak.measure(bad[0], bad[1], calls::incrementAndGet))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("size " + bad[0]).hasMessageContaining(bad[1] + " repetitions");
        }
        assertThat(calls).hasValue(0);
    }
}
