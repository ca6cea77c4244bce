package io.mnist.server;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.Evaluation;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingData;
import io.mnist.api.data.MnistDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A classifier without an engine, for the server's tests of queueing, loading, shutdown and limits: it answers
 * {@link #DIGIT} for every image, and can be made to wait inside {@code predict} until released.
 */
final class FakeClassifier implements DigitClassifier {
    static final int DIGIT = 5;

    /** Counted down by each prediction as it starts. */
    volatile CountDownLatch started = new CountDownLatch(0);
    /** Predictions wait until this is open. */
    volatile CountDownLatch gate = new CountDownLatch(0);
    /** A failure to throw from predict, or null. */
    volatile RuntimeException failure;
    final AtomicInteger predictions = new AtomicInteger();
    volatile boolean closed;
    /** The last {@link #setThreadsPerCall} hint, or -1 if none came. */
    volatile int threadsPerCall = -1;

    /** Makes the next {@code n} predictions wait in predict until {@link #release()}. */
    FakeClassifier holdPredictions(int n) {
        started = new CountDownLatch(n);
        gate = new CountDownLatch(1);
        return this;
    }

    void release() {
        gate.countDown();
    }

    @Override
    public void setThreadsPerCall(int threads) {
        DigitClassifier.super.setThreadsPerCall(threads);
        threadsPerCall = threads;
    }

    @Override
    public Prediction predict(DigitImage image) {
        return predictAll(List.of(image)).get(0);
    }

    @Override
    public List<Prediction> predictAll(List<DigitImage> images) {
        started.countDown();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure != null) {
            throw failure;
        }
        predictions.addAndGet(images.size());
        float[] p = new float[10];
        java.util.Arrays.fill(p, 0.1f / 9);
        p[DIGIT] = 0.9f;
        return images.stream().map(i -> Prediction.fromProbabilities(p)).toList();
    }

    @Override
    public Evaluation evaluate(MnistDataset data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void save(Path path) {
        throw new UnsupportedOperationException();
    }

    @Override
    public NetworkWeights networkWeights() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("fake", "none 0", NetworkSpec.compact(), NetworkSpec.compact().parameterCount(),
                TrainingConfig.pretrained(), List.of(), 0.5, new TrainingData("made up for tests", 0, 0), null);
    }

    @Override
    public void close() {
        closed = true;
    }
}
