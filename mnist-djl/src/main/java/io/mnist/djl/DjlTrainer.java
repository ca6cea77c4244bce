package io.mnist.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.TrainingConfig;
import io.mnist.api.spi.AbstractTrainer;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Training on DJL's PyTorch engine. The loop, shuffling and events are the API's ({@link AbstractTrainer}); this
 * class runs one step: forward in training mode (which also moves batch normalisation's moving statistics), softmax
 * cross-entropy from logits, backward, then our optimiser on every trainable parameter. It drives the block
 * directly rather than through DJL's {@code Trainer}: PyTorch accumulates gradients, and DJL's trainer hands custom
 * optimisers a copy of the gradient that they cannot zero.
 */
final class DjlTrainer extends AbstractTrainer {

    DjlTrainer(DigitBackend backend, TrainingConfig config) {
        super(backend, config);
    }

    @Override
    protected Session open(TrainingConfig config) {
        return new DjlSession(config);
    }

    private static KerasOptimizer optimizer(TrainingConfig config) {
        float lr = (float) config.learningRate();
        return switch (config.optimizer()) {
            case RMSPROP -> new KerasRmsProp(lr);
            case ADAM -> new KerasAdam(lr);
        };
    }

    private static final class DjlSession implements Session {
        private final Engine engine = DjlEngine.get();
        private final NDManager manager = engine.newBaseManager();
        private final DjlNetwork network;
        private final KerasOptimizer optimizer;
        private final Loss loss = Loss.softmaxCrossEntropyLoss();
        /** The parameters the optimiser updates; batch normalisation's moving statistics follow the batches. */
        private final List<Parameter> trainable = new ArrayList<>();

        DjlSession(TrainingConfig config) {
            try {
                engine.setRandomSeed((int) config.seed());
                network = new DjlNetwork(config.network());
                network.initialize(manager);
                network.setWeights(NetworkWeights.initial(config.network(), config.seed()));
                for (Pair<String, Parameter> p : network.block().getParameters()) {
                    if (p.getValue().requiresGradient()) {
                        p.getValue().getArray().setRequiresGradient(true);
                        trainable.add(p.getValue());
                    }
                }
                optimizer = optimizer(config);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        }

        @Override
        public long parameterCount() {
            return network.parameterCount();
        }

        @Override
        public Step step(float[] pixels, int[] labels, int count) {
            try (NDManager batch = manager.newSubManager()) {
                NDArray x = batch.create(pixels, new Shape(count, DigitImage.PIXELS));
                NDArray y = batch.create(labels, new Shape(count)).toType(DataType.INT64, false);
                double lossValue;
                int correct;
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray logits = network.forward(new ParameterStore(batch, false), x, true);
                    NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                    collector.backward(l);
                    lossValue = l.getFloat();
                    correct = (int) logits.argMax(1).eq(y).sum().getLong();
                }
                for (Parameter p : trainable) {
                    NDArray weight = p.getArray();
                    try (NDArray grad = weight.getGradient()) {
                        optimizer.update(p.getId(), weight, grad);
                        grad.subi(grad);
                    }
                }
                return new Step(lossValue, correct);
            }
        }

        @Override
        public void learningRate(double rate) {
            optimizer.learningRate((float) rate);
        }

        @Override
        public float[] predict(float[] pixels, int count) {
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                return network.probabilities(manager, pixels, count);
            } finally {
                JniUtils.setGradMode(grad);
            }
        }

        @Override
        public DigitClassifier toClassifier(ModelInfo info) {
            try {
                return DjlClassifier.fromParameters(info, DjlClassifier.parameters(network));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ai.djl.MalformedModelException e) {
                throw new IllegalStateException("The trained network could not be reloaded: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
