package io.mnist.api.spi;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.EpochResult;
import io.mnist.api.Evaluation;
import io.mnist.api.ModelInfo;
import io.mnist.api.Prediction;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingData;
import io.mnist.api.TrainingDivergedException;
import io.mnist.api.TrainingListener;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.image.Augmenter;
import io.mnist.api.ood.NotADigitDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The training loop every backend shares: seeded shuffling, batching, validation after each epoch, history, and
 * the listener events, so callers see the same events in the same order whatever the engine. A backend supplies
 * a {@link Session} that builds its network and runs single optimisation steps. After the last epoch it fits the
 * model's {@link NotADigitDetector} on the training images (about 40 s for MNIST's 60,000 on two cores).
 */
public abstract class AbstractTrainer implements Trainer {
    /** Keeps the augmentation's random draws apart from the shuffling's, both derived from the config's seed. */
    private static final long AUGMENTATION_STREAM = 0x5DEECE66DL;
    private final DigitBackend backend;
    private final TrainingConfig config;

    protected AbstractTrainer(DigitBackend backend, TrainingConfig config) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Builds a fresh network for {@code config}, initialised from {@code config.seed()}. */
    protected abstract Session open(TrainingConfig config);

    /** One training run's network and optimiser state, in the engine's terms. */
    public interface Session extends AutoCloseable {
        /** Trainable parameters as the engine counts them. */
        long parameterCount();

        /**
         * One optimisation step on a batch, with dropout active.
         *
         * @param pixels {@code count * 784} values: pixels in [0, 1] multiplied by the network's input scale
         * @param labels {@code count} digits
         * @return the batch's mean loss and how many images the training-mode forward pass got right
         */
        Step step(float[] pixels, int[] labels, int count);

        /** Sets the optimiser's learning rate; called before each epoch with {@link TrainingConfig#learningRate(int)}. */
        void learningRate(double rate);

        /**
         * Inference-mode probabilities, {@code count * classes} values; pixels as for {@link #step}.
         */
        float[] predict(float[] pixels, int count);

        /** Hands the trained network to a classifier; afterwards {@link #close()} must not free it. */
        DigitClassifier toClassifier(ModelInfo info);

        /** Frees what the session still owns. */
        @Override
        void close();
    }

    /**
     * The result of one step.
     *
     * @param loss    mean cross-entropy over the batch
     * @param correct images whose training-mode prediction was right
     */
    public record Step(double loss, int correct) {
    }

    @Override
    public final TrainingConfig config() {
        return config;
    }

    /**
     * {@inheritDoc}
     *
     * @throws TrainingDivergedException if a batch's loss is not finite; the session is closed and nothing returned
     * @throws IllegalArgumentException  if {@code train} is empty
     */
    @Override
    public final DigitClassifier train(MnistDataset train, MnistDataset validation, TrainingListener listener) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(listener, "listener");
        if (train.size() == 0) {
            throw new IllegalArgumentException("The training set " + train.name() + " is empty");
        }
        // A batch larger than the set is one batch of the whole set: allocate for what there is, not what was asked.
        int batchSize = Math.min(config.batchSize(), train.size());
        int batches = (train.size() + batchSize - 1) / batchSize;
        try (Session session = open(config)) {
            listener.onTrainingStart(new TrainingListener.TrainingStarted(backend.name(), config, train.size(),
                    validation == null ? 0 : validation.size(), batches, session.parameterCount()));
            Random random = new Random(config.seed());
            int[] order = new int[train.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            List<EpochResult> history = new ArrayList<>();
            float[] pixels = new float[batchSize * DigitImage.PIXELS];
            Augmenter augmenter = new Augmenter(config.augmentation());
            SplittableRandom augmentationRandom = new SplittableRandom(config.seed() ^ AUGMENTATION_STREAM);
            int[] labels = new int[batchSize];
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                shuffle(order, random);
                session.learningRate(config.learningRate(epoch));
                listener.onEpochStart(epoch, config.epochs(), batches);
                long start = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                for (int b = 0; b < batches; b++) {
                    int from = b * batchSize;
                    int n = Math.min(batchSize, train.size() - from);
                    for (int i = 0; i < n; i++) {
                        train.copyPixels(order[from + i], pixels, i * DigitImage.PIXELS);
                        labels[i] = train.label(order[from + i]);
                        augmenter.apply(pixels, i * DigitImage.PIXELS, labels[i], augmentationRandom);
                    }
                    InputScale.apply(config.network(), pixels, n * DigitImage.PIXELS);
                    Step step = n == batchSize
                            ? session.step(pixels, labels, n)
                            : session.step(java.util.Arrays.copyOf(pixels, n * DigitImage.PIXELS),
                                    java.util.Arrays.copyOf(labels, n), n);
                    if (!Double.isFinite(step.loss())) {
                        throw new TrainingDivergedException(epoch, b + 1, batches, step.loss(),
                                config.learningRate(epoch));
                    }
                    lossSum += step.loss() * n;
                    correct += step.correct();
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    listener.onBatchEnd(new TrainingListener.BatchEnd(epoch, b + 1, batches, n, step.loss(),
                            (from + n) / Math.max(elapsed, 1e-9)));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double testLoss = Double.NaN;
                double testAccuracy = Double.NaN;
                if (validation != null && validation.size() > 0) {
                    int classes = config.network().classes();
                    Inference inference = (px, count) -> session.predict(
                            InputScale.apply(config.network(), px, count * DigitImage.PIXELS), count);
                    Evaluation ev = Evaluation.of(validation.labels(), inference.probabilities(validation, classes),
                            classes);
                    testLoss = ev.meanLoss();
                    testAccuracy = ev.accuracy();
                }
                EpochResult result = new EpochResult(epoch, lossSum / train.size(),
                        (double) correct / train.size(), testLoss, testAccuracy, seconds);
                history.add(result);
                listener.onEpochEnd(result);
            }
            double last = history.get(history.size() - 1).testAccuracy();
            ModelInfo info = new ModelInfo(backend.name(), backend.engineVersion(), config.network(),
                    session.parameterCount(), config, history, Double.isNaN(last) ? null : last,
                    TrainingData.of(train)).withNotADigitDetector(notADigitDetector(train, session));
            DigitClassifier classifier = session.toClassifier(info);
            listener.onTrainingEnd(info);
            return classifier;
        }
    }

    /**
     * The not-a-digit detector of the trained network: subspaces fitted on the first eleven twelfths of the training
     * images, thresholds set on the last twelfth ({@link NotADigitDetector#CALIBRATION_SHARE}) with the network's own
     * predictions, to reject {@link NotADigitDetector#DEFAULT_FALSE_REJECT_RATE} of them. {@code null} (the model
     * then has no out-of-distribution score) when the fitting part lacks two images of some digit.
     */
    private NotADigitDetector notADigitDetector(MnistDataset train, Session session) {
        int calibrationSize = Math.max(1, train.size() / NotADigitDetector.CALIBRATION_SHARE);
        MnistDataset fit = train.slice(0, train.size() - calibrationSize);
        MnistDataset calibration = train.slice(train.size() - calibrationSize, train.size());
        int[] counts = new int[10];
        for (int i = 0; i < fit.size(); i++) {
            counts[fit.label(i)]++;
        }
        for (int count : counts) {
            if (count < 2) {
                return null;
            }
        }
        int classes = config.network().classes();
        Inference inference = (px, count) -> session.predict(
                InputScale.apply(config.network(), px, count * DigitImage.PIXELS), count);
        float[] probabilities = inference.probabilities(calibration, classes);
        List<Prediction> predictions = new ArrayList<>(calibration.size());
        for (int i = 0; i < calibration.size(); i++) {
            predictions.add(Prediction.fromProbabilities(probabilities, i * classes, classes));
        }
        return NotADigitDetector.fit(fit, calibration, predictions, NotADigitDetector.DEFAULT_COMPONENTS,
                NotADigitDetector.DEFAULT_FALSE_REJECT_RATE);
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
