package io.mnist.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine threads a backend is asked to compute a call on, from the batch's size and the caller's hint. */
class EngineThreadsTest {

    /** Answers 0.1 for every class, and remembers the threads each call was given. */
    static final class Recording extends AbstractDigitClassifier {
        final List<Integer> threads = Collections.synchronizedList(new ArrayList<>());

        Recording() {
            super(new ModelInfo("recording", "1", NetworkSpec.compact(), NetworkSpec.compact().parameterCount(),
                    null, List.of(), null, null));
        }

        @Override
        protected float[] probabilities(float[] pixels, int count) {
            threads.add(engineThreads(count));
            float[] p = new float[count * 10];
            java.util.Arrays.fill(p, 0.1f);
            return p;
        }

        @Override
        protected Map<String, byte[]> fileEntries() {
            return Map.of();
        }

        @Override
        protected void release() {
        }
    }

    private static List<DigitImage> blank(int n) {
        return Collections.nCopies(n, DigitImage.of(new float[DigitImage.PIXELS]));
    }

    @Test
    void smallBatchesRunOnTheCallingThreadAloneAndLargerOnesAsTheCallerHints() {
        try (Recording clf = new Recording()) {
            clf.predict(blank(1).get(0));
            clf.predictAll(blank(AbstractDigitClassifier.ONE_THREAD_BELOW - 1));
            clf.predictAll(blank(AbstractDigitClassifier.ONE_THREAD_BELOW));
            assertThat(clf.threads).as("single, 7 images, 8 images; no hint: the engine's own for 8").containsExactly(
                    1, 1, 0);

            clf.threads.clear();
            clf.setThreadsPerCall(1);
            clf.predictAll(blank(300));
            assertThat(clf.threads).as("300 images in batches of 256 and 44, one thread per call")
                    .containsExactly(1, 1);

            clf.threads.clear();
            clf.setThreadsPerCall(3);
            clf.predict(blank(1).get(0));
            clf.predictAll(blank(64));
            assertThat(clf.threads).as("a single image stays on one thread; a batch gets the hint").containsExactly(
                    1, 3);

            clf.threads.clear();
            clf.setThreadsPerCall(0);
            clf.predictAll(blank(64));
            assertThat(clf.threads).as("0: the engine's own setting again").containsExactly(0);
        }
    }

    @Test
    void refusesANegativeHint() {
        try (Recording clf = new Recording()) {
            assertThatThrownBy(() -> clf.setThreadsPerCall(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 1, or 0 for the engine's own setting, got -1");
        }
    }
}
