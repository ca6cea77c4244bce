package io.mnist.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.data.MnistDataset;
import io.mnist.api.fake.WeightsBackend;
import io.mnist.api.model.ModelFile;
import io.mnist.api.model.NonFiniteWeightsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NaN and infinity never pass silently: not in weights loaded or saved, not in a training run's loss. */
class NonFiniteNumbersTest {
    private final WeightsBackend backend = new WeightsBackend();

    @TempDir
    Path dir;

    /** Initial weights with {@code value} planted at {@code index} of tensor {@code tensor}. */
    private static NetworkWeights planted(int tensor, int index, float value) {
        NetworkWeights w = NetworkWeights.initial(WeightsBackend.NETWORK, 7);
        w.tensors().get(tensor).values()[index] = value;
        return w;
    }

    /** A model file as a backend that did not check would have saved it. */
    private Path savedUnchecked(NetworkWeights weights) throws IOException {
        Path file = dir.resolve("nan.mnist");
        try (DigitClassifier clean = backend.fromWeights(backend.info(TrainingConfig.defaults()),
                NetworkWeights.initial(WeightsBackend.NETWORK, 7))) {
            clean.save(file);
        }
        // Re-write the same file with the planted weights, bypassing save's check, as an older version would have.
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) weights.parameterCount() * 4);
        for (NetworkWeights.Tensor t : weights.tensors()) {
            b.asFloatBuffer().put(t.values());
            b.position(b.position() + t.values().length * 4);
        }
        ModelFile.write(file, backend.info(TrainingConfig.defaults()), java.util.Map.of("weights/f32", b.array()));
        return file;
    }

    @Test
    void loadingRefusesANaNWeightAndNamesTheTensorAndIndex() throws IOException {
        Path file = savedUnchecked(planted(0, 4242, Float.NaN));
        assertThatThrownBy(() -> DigitClassifiers.load(file)).isInstanceOf(NonFiniteWeightsException.class)
                .hasMessageStartingWith(file + " holds a weight that is not a finite number: tensor 1.weight [4242]"
                        + " is NaN")
                .satisfies(e -> {
                    assertThat(((NonFiniteWeightsException) e).tensor()).isEqualTo("1.weight");
                    assertThat(((NonFiniteWeightsException) e).index()).isEqualTo(4242);
                });
        Path infinite = savedUnchecked(planted(1, 3, Float.NEGATIVE_INFINITY));
        assertThatThrownBy(() -> DigitClassifiers.load(infinite)).isInstanceOf(NonFiniteWeightsException.class)
                .hasMessageContaining("tensor 1.bias [3] is -Infinity");
    }

    @Test
    void aModelWithFiniteWeightsStillLoadsAndPredicts() throws IOException {
        Path file = dir.resolve("fine.mnist");
        try (DigitClassifier clean = backend.fromWeights(backend.info(TrainingConfig.defaults()),
                NetworkWeights.initial(WeightsBackend.NETWORK, 7))) {
            clean.save(file);
        }
        try (DigitClassifier loaded = DigitClassifiers.load(file)) {
            Prediction p = loaded.predict(DigitImage.of(new float[DigitImage.PIXELS]));
            assertThat(p.confidence()).as("a finite probability").isBetween(0f, 1f);
        }
    }

    @Test
    void savingRefusesNonFiniteWeightsAndWritesNothing() throws IOException {
        Path file = dir.resolve("never.mnist");
        try (DigitClassifier broken = backend.fromWeights(backend.info(TrainingConfig.defaults()),
                planted(0, 17, Float.POSITIVE_INFINITY))) {
            assertThatThrownBy(() -> broken.save(file)).isInstanceOf(NonFiniteWeightsException.class)
                    .hasMessageContaining("Not saving " + file)
                    .hasMessageContaining("tensor 1.weight [17] is Infinity")
                    .hasMessageContaining("lower learning rate");
        }
        assertThat(file).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left).as("no temporary file either").isEmpty();
        }
    }

    @Test
    void trainingStopsAtTheFirstBatchWhoseLossIsNotFiniteAndNamesEpochAndBatch() {
        MnistDataset data = tinyData(64);
        TrainingConfig config = TrainingConfig.builder().learningRate(1e30).batchSize(16).epochs(2).build();
        List<Integer> batchesSeen = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEnd batch) {
                batchesSeen.add(batch.batch());
            }
        };
        assertThatThrownBy(() -> backend.trainer(config).train(data, null, listener))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("Training diverged in epoch 1, batch ")
                .hasMessageContaining("of 4: the batch loss is ")
                .hasMessageContaining("The learning rate 1.0E30 is too high")
                .hasMessageContaining("lower one")
                .satisfies(e -> {
                    TrainingDivergedException d = (TrainingDivergedException) e;
                    assertThat(d.epoch()).isEqualTo(1);
                    assertThat(d.batch()).as("the batch after the last one reported").isEqualTo(batchesSeen.size() + 1);
                    assertThat(Double.isFinite(d.loss())).isFalse();
                });
    }

    @Test
    void aSensibleLearningRateTrainsWithoutComplaint() {
        TrainingConfig config = TrainingConfig.builder().learningRate(0.1).batchSize(16).epochs(1).build();
        try (DigitClassifier model = backend.trainer(config).train(tinyData(64), null)) {
            assertThat(model.info().history()).hasSize(1);
            assertThat(model.info().history().get(0).trainLoss()).isFinite();
        }
    }

    @Test
    void aBatchLargerThanTheDataIsOneBatchOfAllOfIt() {
        TrainingConfig config = TrainingConfig.builder().learningRate(0.1).batchSize(Integer.MAX_VALUE).epochs(1)
                .build();
        List<Integer> sizes = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEnd batch) {
                sizes.add(batch.batchSize());
            }
        };
        try (DigitClassifier model = backend.trainer(config).train(tinyData(40), null, listener)) {
            assertThat(sizes).as("one batch of the 40 images, nothing allocated for 2^31 of them").containsExactly(40);
            assertThat(model.info().training().batchSize()).as("the recipe as asked").isEqualTo(Integer.MAX_VALUE);
        }
    }

    private static MnistDataset tinyData(int n) {
        byte[] pixels = new byte[n * DigitImage.PIXELS];
        byte[] labels = new byte[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            for (int p = 0; p < 60; p++) {
                pixels[i * DigitImage.PIXELS + labels[i] * 70 + p] = (byte) (200 + r.nextInt(55));
            }
        }
        return MnistDataset.of("tiny", pixels, labels);
    }
}
