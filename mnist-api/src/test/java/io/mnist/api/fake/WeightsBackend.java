package io.mnist.api.fake;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.spi.AbstractDigitClassifier;
import io.mnist.api.spi.AbstractTrainer;
import io.mnist.api.spi.DigitBackend;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pure-Java backend with real network weights, for the API's checks on them: softmax regression (the network
 * {@link #NETWORK}, flatten then dense 10 softmax, 7,850 parameters) trained by plain gradient descent. Its weights
 * export to and import from the engine-neutral layout, so non-finite values can be planted and must be caught.
 */
public class WeightsBackend implements DigitBackend {
    /** Flatten, then Dense(10, softmax). */
    public static final NetworkSpec NETWORK = new NetworkSpec(List.of(new NetworkSpec.Flatten(),
            new NetworkSpec.Dense(10, NetworkSpec.Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM);
    static final String ENTRY = "weights/f32";

    @Override
    public String name() {
        return "fake-weights";
    }

    @Override
    public String artifact() {
        return "io.mnist:mnist-fake-weights (test only)";
    }

    @Override
    public String engineVersion() {
        return "fake-weights 1";
    }

    /** What a model of this backend is, with a recipe of {@code config}'s settings on {@link #NETWORK}. */
    public ModelInfo info(TrainingConfig config) {
        return new ModelInfo(name(), engineVersion(), NETWORK, NETWORK.parameterCount(),
                config.toBuilder().network(NETWORK).build(), List.of(), null, null);
    }

    @Override
    public Trainer trainer(TrainingConfig config) {
        WeightsBackend backend = this;
        return new AbstractTrainer(this, config) {
            @Override
            protected Session open(TrainingConfig c) {
                return backend.new GradientDescent(NetworkWeights.initial(NETWORK, c.seed()));
            }
        };
    }

    @Override
    public DigitClassifier load(ModelArchive archive) throws ModelFileException {
        ByteBuffer b = ByteBuffer.wrap(archive.entry(ENTRY));
        List<NetworkWeights.Tensor> tensors = new ArrayList<>();
        for (NetworkWeights.Tensor t : NetworkWeights.shapes(NETWORK)) {
            float[] v = new float[t.values().length];
            if (b.remaining() < v.length * 4) {
                throw archive.malformed(ENTRY + " is too short for " + t, null);
            }
            b.asFloatBuffer().get(v);
            b.position(b.position() + v.length * 4);
            tensors.add(new NetworkWeights.Tensor(t.name(), t.shape(), v));
        }
        return new Classifier(archive.manifest().model(), new NetworkWeights(NETWORK, tensors));
    }

    @Override
    public DigitClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        return new Classifier(info, weights);
    }

    static float[] softmaxRegression(NetworkWeights weights, float[] pixels, int count) {
        float[] w = weights.tensors().get(0).values();
        float[] bias = weights.tensors().get(1).values();
        float[] out = new float[count * 10];
        for (int i = 0; i < count; i++) {
            double[] z = new double[10];
            double max = Double.NEGATIVE_INFINITY;
            for (int d = 0; d < 10; d++) {
                double s = bias[d];
                for (int p = 0; p < DigitImage.PIXELS; p++) {
                    s += pixels[i * DigitImage.PIXELS + p] * w[p * 10 + d];
                }
                z[d] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int d = 0; d < 10; d++) {
                z[d] = Math.exp(z[d] - max);
                sum += z[d];
            }
            for (int d = 0; d < 10; d++) {
                out[i * 10 + d] = (float) (z[d] / sum);
            }
        }
        return out;
    }

    /** The classifier: the weights, in memory. */
    static final class Classifier extends AbstractDigitClassifier {
        private final NetworkWeights weights;

        Classifier(ModelInfo info, NetworkWeights weights) {
            super(info);
            this.weights = weights;
        }

        @Override
        protected float[] probabilities(float[] pixels, int count) {
            return softmaxRegression(weights, pixels, count);
        }

        @Override
        protected Map<String, byte[]> fileEntries() {
            ByteBuffer b = ByteBuffer.allocate((int) weights.parameterCount() * 4);
            for (NetworkWeights.Tensor t : weights.tensors()) {
                b.asFloatBuffer().put(t.values());
                b.position(b.position() + t.values().length * 4);
            }
            return Map.of(ENTRY, b.array());
        }

        @Override
        protected NetworkWeights exportWeights() {
            return weights;
        }

        @Override
        protected void release() {
        }
    }

    /** Plain gradient descent on the mean cross-entropy; a large enough rate makes it diverge. */
    final class GradientDescent implements AbstractTrainer.Session {
        private final NetworkWeights weights;
        private double rate;

        GradientDescent(NetworkWeights weights) {
            this.weights = weights;
        }

        @Override
        public long parameterCount() {
            return weights.parameterCount();
        }

        @Override
        public AbstractTrainer.Step step(float[] pixels, int[] labels, int count) {
            float[] probs = softmaxRegression(weights, pixels, count);
            float[] w = weights.tensors().get(0).values();
            float[] bias = weights.tensors().get(1).values();
            double loss = 0;
            int correct = 0;
            for (int i = 0; i < count; i++) {
                loss -= Math.log(probs[i * 10 + labels[i]]);
                correct += io.mnist.api.Prediction.fromProbabilities(probs, i * 10).digit() == labels[i] ? 1 : 0;
                for (int d = 0; d < 10; d++) {
                    double g = (probs[i * 10 + d] - (d == labels[i] ? 1 : 0)) / count;
                    bias[d] -= (float) (rate * g);
                    for (int p = 0; p < DigitImage.PIXELS; p++) {
                        w[p * 10 + d] -= (float) (rate * g * pixels[i * DigitImage.PIXELS + p]);
                    }
                }
            }
            return new AbstractTrainer.Step(loss / count, correct);
        }

        @Override
        public void learningRate(double rate) {
            this.rate = rate;
        }

        @Override
        public float[] predict(float[] pixels, int count) {
            return softmaxRegression(weights, pixels, count);
        }

        @Override
        public DigitClassifier toClassifier(ModelInfo info) {
            return new Classifier(info, weights);
        }

        @Override
        public void close() {
        }
    }
}
