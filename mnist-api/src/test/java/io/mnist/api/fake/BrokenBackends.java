package io.mnist.api.fake;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.Evaluation;
import io.mnist.api.ModelInfo;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingConfig;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fake backends that each break one rule of the contract, so the kit's own tests can show that it catches them.
 * Each has its own name and is registered with ServiceLoader, so model files find their way back to it.
 */
public final class BrokenBackends {
    private BrokenBackends() {
    }

    /** Reports a parameter count that is not the network's. */
    public static class MiscountsParameters extends FakeBackend {
        @Override
        public String name() {
            return "fake-miscount";
        }

        @Override
        protected long parameterCount(TrainingConfig config) {
            return config.network().parameterCount() - 10;
        }
    }

    /** Memorises only one image in twenty, and so cannot reach the accuracy floor. */
    public static class Forgetful extends FakeBackend {
        @Override
        public String name() {
            return "fake-forgetful";
        }

        @Override
        protected Session newSession(TrainingConfig config) {
            return new Session(this, config) {
                @Override
                public io.mnist.api.spi.AbstractTrainer.Step step(float[] pixels, int[] labels, int count) {
                    int keep = Math.max(1, count / 20);
                    float[] few = java.util.Arrays.copyOf(pixels, keep * DigitImage.PIXELS);
                    io.mnist.api.spi.AbstractTrainer.Step step = super.step(few, labels, keep);
                    return new io.mnist.api.spi.AbstractTrainer.Step(step.loss(), step.correct() * count / keep);
                }
            };
        }
    }

    /** Saves its memory coarsely quantised, so a reloaded model answers differently. */
    public static class LossySave extends FakeBackend {
        @Override
        public String name() {
            return "fake-lossy";
        }

        @Override
        protected DigitClassifier classifier(ModelInfo info, NearestNeighbours memory) {
            return new Classifier(info, memory) {
                @Override
                protected Map<String, byte[]> fileEntries() {
                    byte[] bytes = super.fileEntries().get(WEIGHTS);
                    for (int i = HEADER; i < bytes.length - memory.size(); i++) {
                        bytes[i] = (byte) (bytes[i] & 0xC0);
                    }
                    return Map.of(WEIGHTS, bytes);
                }
            };
        }
    }

    /** Shares scratch state between calls: answers go wrong when two threads predict at once. */
    public static class Racy extends FakeBackend {
        @Override
        public String name() {
            return "fake-racy";
        }

        @Override
        protected DigitClassifier classifier(ModelInfo info, NearestNeighbours memory) {
            AtomicInteger inFlight = new AtomicInteger();
            return new Classifier(info, memory) {
                @Override
                protected float[] probabilities(float[] pixels, int count) {
                    boolean overlapped = inFlight.incrementAndGet() > 1;
                    try {
                        float[] p = super.probabilities(pixels, count);
                        overlapped |= inFlight.get() > 1;
                        if (overlapped) {
                            for (int i = 0; i < count; i++) {
                                float first = p[i * 10];
                                System.arraycopy(p, i * 10 + 1, p, i * 10, 9);
                                p[i * 10 + 9] = first;
                            }
                        }
                        return p;
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }
            };
        }
    }

    /** Keeps 16 KB of off-heap memory for every prediction, as a backend that never frees its arrays would. */
    public static class Leaky extends FakeBackend {
        @Override
        public String name() {
            return "fake-leaky";
        }

        @Override
        protected DigitClassifier classifier(ModelInfo info, NearestNeighbours memory) {
            List<ByteBuffer> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
            return new Classifier(info, memory) {
                @Override
                protected float[] probabilities(float[] pixels, int count) {
                    kept.add(ByteBuffer.allocateDirect(16 << 10));
                    return super.probabilities(pixels, count);
                }
            };
        }
    }

    /** Ignores close(): a closed classifier keeps answering. */
    public static class IgnoresClose extends FakeBackend {
        @Override
        public String name() {
            return "fake-unclosable";
        }

        @Override
        protected DigitClassifier classifier(ModelInfo info, NearestNeighbours memory) {
            DigitClassifier inner = super.classifier(info, memory);
            return new DigitClassifier() {
                @Override
                public Prediction predict(DigitImage image) {
                    return inner.predict(image);
                }

                @Override
                public List<Prediction> predictAll(List<DigitImage> images) {
                    return inner.predictAll(images);
                }

                @Override
                public Evaluation evaluate(MnistDataset data) {
                    return inner.evaluate(data);
                }

                @Override
                public void save(Path path) throws IOException {
                    inner.save(path);
                }

                @Override
                public io.mnist.api.NetworkWeights networkWeights() {
                    return inner.networkWeights();
                }

                @Override
                public ModelInfo info() {
                    return inner.info();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** Trusts whatever weights it is given and never checks them against the manifest's network. */
    public static class TrustsAnyWeights extends FakeBackend {
        @Override
        public String name() {
            return "fake-trusting";
        }

        @Override
        public DigitClassifier load(ModelArchive archive) throws ModelFileException {
            byte[] bytes = archive.entry(WEIGHTS);
            int stored = ByteBuffer.wrap(bytes).getInt(8);
            int count = Math.max(0, Math.min(stored, (bytes.length - HEADER) / (NearestNeighbours.DIM + 1)));
            ByteBuffer fixed = ByteBuffer.allocate(HEADER + count * (NearestNeighbours.DIM + 1));
            fixed.put(bytes, 0, 8).putInt(count).put(bytes, HEADER, count * NearestNeighbours.DIM);
            int labels = HEADER + stored * NearestNeighbours.DIM;
            fixed.put(labels + count <= bytes.length ? java.util.Arrays.copyOfRange(bytes, labels, labels + count)
                    : new byte[count]);
            return classifier(archive.manifest().model(), NearestNeighbours.fromBytes(fixed.array(), HEADER - 4));
        }
    }
}
