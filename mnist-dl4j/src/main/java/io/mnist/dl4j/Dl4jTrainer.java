package io.mnist.dl4j;

import io.mnist.api.DigitClassifier;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.TrainingConfig;
import io.mnist.api.spi.AbstractTrainer;
import io.mnist.api.spi.DigitBackend;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training on DL4J. The loop, shuffling and events are the API's ({@link AbstractTrainer}); a step here is one
 * {@code fit} on a batch with DL4J's own RMSProp or Adam updater, configured with Keras' constants.
 */
final class Dl4jTrainer extends AbstractTrainer {

    Dl4jTrainer(DigitBackend backend, TrainingConfig config) {
        super(backend, config);
    }

    @Override
    protected Session open(TrainingConfig config) {
        return new Dl4jSession(config);
    }

    private static final class Dl4jSession implements Session {
        private final Dl4jNetwork network;
        private final MultiLayerNetwork net;
        private final int outputLayer;
        /** Output units: one-hot labels are this wide (labels are digits, so units past 9 are never targets). */
        private final int classes;
        private final AccuracyProbe probe = new AccuracyProbe();

        Dl4jSession(TrainingConfig config) {
            Dl4jRuntime.check();
            Nd4j.getRandom().setSeed(config.seed());
            // Training runs channels-first: DL4J 1.0.0-M2.1's channels-last backward pass trains wrongly (80.9% where
            // NCHW reaches 94.2% in the contract kit's two epochs); the trained weights move to the NHWC network.
            network = new Dl4jNetwork(config.network(), CNN2DFormat.NCHW);
            net = network.create(config);
            network.setWeights(net, NetworkWeights.initial(config.network(), config.seed()));
            outputLayer = network.outputLayer();
            classes = config.network().classes();
            net.setListeners(probe);
        }

        @Override
        public long parameterCount() {
            return net.numParams();
        }

        @Override
        public Step step(float[] pixels, int[] labels, int count) {
            float[] oneHot = new float[count * classes];
            for (int i = 0; i < count; i++) {
                oneHot[i * classes + labels[i]] = 1;
            }
            try (INDArray x = network.input(pixels, count);
                 INDArray y = Nd4j.create(oneHot, new long[] {count, classes}, 'c')) {
                probe.labels = labels;
                net.fit(new DataSet(x, y));
                return new Step(net.score(), probe.correct);
            }
        }

        @Override
        public void learningRate(double rate) {
            net.setLearningRate(rate);
        }

        @Override
        public float[] predict(float[] pixels, int count) {
            // Validation batches are large: ND4J's threads as set.
            return network.probabilities(net, pixels, count, 0);
        }

        @Override
        public DigitClassifier toClassifier(ModelInfo info) {
            return Dl4jClassifier.fromWeights(info, network.weights(net));
        }

        @Override
        public void close() {
            net.close();
        }

        /**
         * Counts the training-mode forward pass's right answers without a second forward pass: DL4J hands
         * listeners the activations up to the output layer's input (dropout applied, but not yet flattened if
         * a flatten comes right before it: a channels-first image flattens in its own {@code c, h, w} order, as
         * DL4J's preprocessor does), and the output layer's argmax is that input times its weights plus bias
         * (softmax keeps the order).
         */
        private final class AccuracyProbe extends BaseTrainingListener {
            int[] labels;
            int correct;

            @Override
            public void onForwardPass(Model model, List<INDArray> activations) {
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    INDArray last = activations.get(activations.size() - 1);
                    INDArray input = last.rank() == 2 ? last : last.reshape('c', last.size(0), -1);
                    try (INDArray logits = input.mmul(net.getParam(outputLayer + "_W"))
                            .addiRowVector(net.getParam(outputLayer + "_b"));
                         INDArray argMax = logits.argMax(1)) {
                        long[] predicted = argMax.toLongVector();
                        int right = 0;
                        for (int i = 0; i < predicted.length; i++) {
                            right += predicted[i] == labels[i] ? 1 : 0;
                        }
                        correct = right;
                    }
                }
            }
        }
    }
}
