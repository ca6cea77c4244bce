package io.mnist.api.spi;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.Evaluation;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Prediction;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.model.FiniteWeights;
import io.mnist.api.model.ModelFile;
import io.mnist.api.ood.NotADigitDetector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The shared half of every backend's classifier: batching, evaluation, the model file, and the closed state.
 * A backend supplies only {@link #probabilities(float[], int)}, {@link #fileEntries()}, {@link #exportWeights()}
 * and {@link #release()}.
 *
 * <p>Calls run under a read lock and {@link #close()} takes the write lock, so the engine's memory is never freed
 * under a running prediction.
 */
public abstract class AbstractDigitClassifier implements DigitClassifier {
    /** Images per inference batch. */
    protected static final int BATCH = Inference.BATCH;
    /**
     * Batches of fewer images than this compute on the calling thread alone ({@link #engineThreads(int)}). For a
     * few images each operation is so small that waking the engine's other threads costs more than it saves: on 2
     * cores a single prediction of the bundled model took 0.9-1.1 ms on one ND4J thread against 1.7-2.1 ms on two,
     * and 0.58-0.64 ms of CPU on one libtorch thread against 0.78-1.05 ms on two (BENCHMARKS.md); from about 8
     * images up, the engines' pools are as fast or faster.
     */
    public static final int ONE_THREAD_BELOW = 8;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final ModelInfo info;
    /** Probabilities per image: the network's classes. */
    private final int classes;
    private boolean closed;
    /** The caller's {@link #setThreadsPerCall} hint; 0 for the engine's own setting. */
    private volatile int threadsPerCall;

    protected AbstractDigitClassifier(ModelInfo info) {
        this.info = Objects.requireNonNull(info, "info");
        this.classes = info.network().classes();
    }

    /**
     * Runs the network in inference mode. Must be safe to call from many threads at once.
     *
     * @param pixels {@code count * 784} values, image after image: pixels in [0, 1] already multiplied by the
     *               network's {@link io.mnist.api.NetworkSpec#inputScale()}
     * @param count  images in the batch, 1..{@value #BATCH}
     * @return {@code count * classes} probabilities, {@code classes} being the network's
     *         {@link io.mnist.api.NetworkSpec#classes()}
     */
    protected abstract float[] probabilities(float[] pixels, int count);

    /**
     * The engine threads a call of {@code count} images should compute on: 1 for fewer than
     * {@link #ONE_THREAD_BELOW} images, else the caller's {@link #setThreadsPerCall} hint. A backend whose engine
     * sets its threads per call asks this in {@link #probabilities}.
     *
     * @return 1 or more; or 0 for the engine's own setting
     */
    protected final int engineThreads(int count) {
        return count < ONE_THREAD_BELOW ? 1 : threadsPerCall;
    }

    /** The backend's weight entries for the model file. */
    protected abstract Map<String, byte[]> fileEntries() throws IOException;

    /**
     * The network's weights in the engine-neutral layout. Backends whose models are networks of a
     * {@link io.mnist.api.NetworkSpec} override this; the default says the model has no such weights.
     */
    protected NetworkWeights exportWeights() {
        throw new UnsupportedOperationException("Backend " + info.backend() + " cannot export its weights");
    }

    /** Frees the engine's resources; called once, with no prediction running. */
    protected abstract void release();

    /**
     * {@inheritDoc}
     *
     * <p>With a {@link ModelInfo#notADigitDetector()}, the prediction carries its
     * {@link Prediction#outOfDistributionScore()}; otherwise the score is NaN.
     */
    @Override
    public final void setThreadsPerCall(int threads) {
        DigitClassifier.super.setThreadsPerCall(threads);
        threadsPerCall = threads;
    }

    @Override
    public final Prediction predict(DigitImage image) {
        Objects.requireNonNull(image, "image");
        float[] pixels = new float[DigitImage.PIXELS];
        image.copyTo(pixels, 0);
        return scored(Prediction.fromProbabilities(guarded(pixels, 1), 0, classes), image);
    }

    /**
     * {@inheritDoc}
     *
     * <p>With a {@link ModelInfo#notADigitDetector()}, each prediction carries its
     * {@link Prediction#outOfDistributionScore()}; otherwise the scores are NaN.
     */
    @Override
    public final List<Prediction> predictAll(List<DigitImage> images) {
        List<Prediction> out = new ArrayList<>(images.size());
        float[] pixels = new float[BATCH * DigitImage.PIXELS];
        for (int start = 0; start < images.size(); start += BATCH) {
            int n = Math.min(BATCH, images.size() - start);
            for (int i = 0; i < n; i++) {
                images.get(start + i).copyTo(pixels, i * DigitImage.PIXELS);
            }
            float[] probs = guarded(n == BATCH ? pixels : java.util.Arrays.copyOf(pixels, n * DigitImage.PIXELS), n);
            for (int i = 0; i < n; i++) {
                out.add(scored(Prediction.fromProbabilities(probs, i * classes, classes), images.get(start + i)));
            }
        }
        return out;
    }

    /** {@code p} with the detector's score for {@code image}, if the model has a detector. */
    private Prediction scored(Prediction p, DigitImage image) {
        NotADigitDetector detector = info.notADigitDetector();
        if (detector == null) {
            return p;
        }
        // The pixels given to guarded() were scaled in place; the detector reads the image as it is, in [0, 1].
        float[] pixels = new float[DigitImage.PIXELS];
        image.copyTo(pixels, 0);
        return p.withOutOfDistributionScore(detector.score(pixels, 0, p));
    }

    @Override
    public final Evaluation evaluate(MnistDataset data) {
        return Evaluation.of(data.labels(), ((Inference) this::guarded).probabilities(data, classes), classes);
    }

    @Override
    public final void save(Path path) throws IOException {
        lock.readLock().lock();
        try {
            ensureOpen();
            FiniteWeights.checkBeforeSave(this::exportWeights, path);
            ModelFile.write(path, info, fileEntries());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final NetworkWeights networkWeights() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return exportWeights();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final ModelInfo info() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return info;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Runs a batch under the read lock; scales {@code pixels} in place (they are always this class's own). */
    private float[] guarded(float[] pixels, int count) {
        lock.readLock().lock();
        try {
            ensureOpen();
            float[] probs = probabilities(InputScale.apply(info.network(), pixels, count * DigitImage.PIXELS), count);
            if (probs.length != count * classes) {
                throw new IllegalStateException("Backend " + info.backend() + " returned " + probs.length
                        + " probabilities for " + count + " images");
            }
            return probs;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This " + info.backend()
                    + " classifier is closed; load the model again to use it");
        }
    }
}
