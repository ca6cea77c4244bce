package io.mnist.api.fake;

import io.mnist.api.DigitClassifier;
import io.mnist.api.ModelInfo;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.spi.AbstractDigitClassifier;
import io.mnist.api.spi.AbstractTrainer;
import io.mnist.api.spi.DigitBackend;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A small pure-Java backend for testing the API and the contract kit itself: a nearest-neighbour classifier over
 * 14x14 downsampled images. "Training" memorises each distinct training image; it holds no network, so it reports
 * the spec's parameter count. Variants override single methods to break one rule of the contract each.
 */
public class FakeBackend implements DigitBackend {
    static final String WEIGHTS = "fake/memory.bin";
    static final int HEADER = 12;
    /** The fake scores only a few images per step: its training metrics are estimates, kept cheap. */
    static final int SCORED_PER_STEP = 8;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String artifact() {
        return "io.mnist:mnist-fake (test only)";
    }

    @Override
    public String engineVersion() {
        return "fake 1";
    }

    @Override
    public Trainer trainer(TrainingConfig config) {
        FakeBackend backend = this;
        return new AbstractTrainer(this, config) {
            @Override
            protected Session open(TrainingConfig c) {
                return backend.newSession(c);
            }
        };
    }

    /** A session that memorises what it is shown. */
    protected Session newSession(TrainingConfig config) {
        return new Session(this, config);
    }

    /** The parameter count this backend reports. */
    protected long parameterCount(TrainingConfig config) {
        return config.network().parameterCount();
    }

    @Override
    public DigitClassifier load(ModelArchive archive) throws ModelFileException {
        byte[] bytes = archive.entry(WEIGHTS);
        if (bytes.length < HEADER) {
            throw archive.malformed("the memory entry is " + bytes.length + " bytes", null);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long network = buffer.getLong();
        long declared = archive.manifest().model().network().parameterCount();
        if (network != declared) {
            throw archive.malformed("the memory was made for a network of " + network
                    + " parameters, the manifest declares " + declared, null);
        }
        int count = buffer.getInt();
        if (bytes.length != HEADER + count * (NearestNeighbours.DIM + 1)) {
            throw archive.malformed("the memory entry should hold " + count + " images in "
                    + (HEADER + count * (NearestNeighbours.DIM + 1)) + " bytes but has " + bytes.length, null);
        }
        return classifier(archive.manifest().model(), NearestNeighbours.fromBytes(bytes, HEADER - 4));
    }

    @Override
    public DigitClassifier fromWeights(ModelInfo info, io.mnist.api.NetworkWeights weights) {
        throw new UnsupportedOperationException("The fake backend remembers images, it has no network weights");
    }

    /** Wraps a memory into this backend's classifier. */
    protected DigitClassifier classifier(ModelInfo info, NearestNeighbours memory) {
        return new Classifier(info, memory);
    }

    /** The fake's classifier. */
    protected static class Classifier extends AbstractDigitClassifier {
        protected final NearestNeighbours memory;

        protected Classifier(ModelInfo info, NearestNeighbours memory) {
            super(info);
            this.memory = memory;
        }

        @Override
        protected float[] probabilities(float[] pixels, int count) {
            return memory.probabilities(pixels, count);
        }

        @Override
        protected Map<String, byte[]> fileEntries() {
            return Map.of(WEIGHTS, memory.toBytes(info().network().parameterCount()));
        }

        @Override
        protected void release() {
        }
    }

    /** The fake's training session. */
    protected static class Session implements AbstractTrainer.Session {
        private final FakeBackend backend;
        private final TrainingConfig config;
        protected final NearestNeighbours memory = new NearestNeighbours();
        /** The learning rate the loop set before each epoch. */
        protected final java.util.List<Double> learningRates = new java.util.ArrayList<>();

        protected Session(FakeBackend backend, TrainingConfig config) {
            this.backend = backend;
            this.config = config;
        }

        @Override
        public long parameterCount() {
            return backend.parameterCount(config);
        }

        /** Scores the first few images of the batch against the memory so far, then memorises the batch. */
        @Override
        public AbstractTrainer.Step step(float[] pixels, int[] labels, int count) {
            int scored = Math.min(count, SCORED_PER_STEP);
            double loss = Math.log(10);
            double right = 0;
            if (memory.size() > 0) {
                float[] probs = memory.probabilities(pixels, scored);
                loss = 0;
                for (int i = 0; i < scored; i++) {
                    loss -= Math.log(Math.max(probs[i * 10 + labels[i]], 1e-7));
                    right += io.mnist.api.Prediction.fromProbabilities(probs, i * 10).digit() == labels[i] ? 1 : 0;
                }
                loss /= scored;
            }
            memory.add(pixels, labels, count);
            return new AbstractTrainer.Step(loss, (int) Math.round(right / scored * count));
        }

        @Override
        public void learningRate(double rate) {
            learningRates.add(rate);
        }

        @Override
        public float[] predict(float[] pixels, int count) {
            return memory.probabilities(pixels, count);
        }

        @Override
        public DigitClassifier toClassifier(ModelInfo info) {
            return backend.classifier(info, memory);
        }

        @Override
        public void close() {
        }
    }
}
