package io.mnist.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mnist.api.internal.ManifestJson;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.fake.FakeBackend;
import io.mnist.api.spi.AbstractTrainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void learningRateDecaysOncePerEpoch() {
        TrainingConfig c = TrainingConfig.builder().learningRate(0.01).learningRateDecay(0.5).build();
        assertThat(c.learningRate(1)).isEqualTo(0.01);
        assertThat(c.learningRate(2)).isCloseTo(0.005, within(1e-12));
        assertThat(c.learningRate(4)).isCloseTo(0.00125, within(1e-12));
        assertThat(TrainingConfig.defaults().learningRate(5)).as("the seed recipe keeps its rate").isEqualTo(0.001);
    }

    @Test
    void rejectsADecayOutsideZeroToOne() {
        assertThatThrownBy(() -> TrainingConfig.builder().learningRateDecay(1.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learningRateDecay");
        assertThatThrownBy(() -> TrainingConfig.builder().learningRateDecay(-0.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learningRateDecay");
        assertThatThrownBy(() -> TrainingConfig.builder().learningRateDecay(0).build())
                .as("0 would stop training after the first epoch; it is refused, not read as 1")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("learningRateDecay must be in (0, 1]").hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> TrainingConfig.builder().learningRateDecay(Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got NaN");
    }

    @Test
    void aManifestWrittenBeforeSchedulesReadsAsAConstantRate() throws Exception {
        ObjectNode json = ManifestJson.mapper().valueToTree(TrainingConfig.pretrained());
        assertThat(json.get("learningRateDecay").asDouble()).isEqualTo(0.8);
        assertThat(ManifestJson.mapper().treeToValue(json, TrainingConfig.class)).isEqualTo(TrainingConfig.pretrained());
        json.remove("learningRateDecay");
        assertThat(ManifestJson.mapper().treeToValue(json, TrainingConfig.class).learningRateDecay()).isEqualTo(1.0);
    }

    @Test
    void theTrainingLoopSetsEachEpochsRateBeforeItsFirstStep() {
        List<Double> rates = new ArrayList<>();
        List<Integer> stepsWhenSet = new ArrayList<>();
        FakeBackend backend = new FakeBackend() {
            @Override
            protected Session newSession(TrainingConfig config) {
                return new Session(this, config) {
                    int steps;

                    @Override
                    public void learningRate(double rate) {
                        rates.add(rate);
                        stepsWhenSet.add(steps);
                    }

                    @Override
                    public AbstractTrainer.Step step(float[] pixels, int[] labels, int count) {
                        steps++;
                        return super.step(pixels, labels, count);
                    }
                };
            }
        };
        MnistDataset data = MnistDataset.of("tiny", new byte[4 * DigitImage.PIXELS], new byte[] {0, 1, 2, 3});
        TrainingConfig config = TrainingConfig.builder().epochs(3).batchSize(2).learningRate(0.004)
                .learningRateDecay(0.5).build();
        backend.trainer(config).train(data, null, TrainingListener.NONE).close();
        assertThat(rates).containsExactly(0.004, 0.002, 0.001);
        assertThat(stepsWhenSet).as("steps taken when each rate was set").containsExactly(0, 2, 4);
    }
}
