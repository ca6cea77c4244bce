package io.mnist.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkSpec.Activation;
import io.mnist.api.NetworkSpec.AveragePool;
import io.mnist.api.NetworkSpec.BatchNorm;
import io.mnist.api.NetworkSpec.Conv2D;
import io.mnist.api.NetworkSpec.Dense;
import io.mnist.api.NetworkSpec.Dropout;
import io.mnist.api.NetworkSpec.Flatten;
import io.mnist.api.NetworkSpec.MaxPool;
import io.mnist.api.NetworkSpec.Padding;
import io.mnist.api.NetworkWeights;
import io.mnist.api.TrainingConfig;
import io.mnist.api.contract.NetworkShapesContract;
import io.mnist.api.contract.ReferenceNetwork;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dl4j backend builds every layer kind and option of the spec as the reference network computes it: SAME
 * padding through DL4J's {@code ConvolutionMode.Same} (TensorFlow's rule, the smaller half before), averages that
 * leave padding out of the divisor, batch normalisation with the moving variance kept as a variance and Keras'
 * momentum as DL4J's decay. Beyond the contract: the channels-first network training runs on, single images (whose
 * dense layers run outside DL4J), and shapes that stress the layout.
 */
class Dl4jNetworkShapesTest extends NetworkShapesContract {
    private static final int CHECKED_IMAGES = 50;

    @Override
    protected DigitBackend backend() {
        return new Dl4jBackend();
    }

    /**
     * Shapes past the contract's: a batch normalisation on the input image and one over a flattened multi-channel
     * image (whose order differs between DL4J's layouts), a strided 1x1 convolution, pooling with a stride larger
     * than its window, a SAME convolution with a kernel larger than its input, a rectangular SAME average with stride
     * 1, dropout right after a flatten, a network that starts with a flatten and a batch normalisation, and 12
     * classes.
     */
    static Stream<NetworkSpec> edgeShapes() {
        return Stream.of(
                new NetworkSpec(List.of(
                        new BatchNorm(1e-3, 0.5),
                        new Conv2D(4, 1, 1, 3, 3, Padding.VALID, Activation.RELU),
                        new MaxPool(2, 2, 3, 3, Padding.SAME),
                        new Conv2D(6, 5, 5, 1, 1, Padding.SAME, Activation.TANH),
                        new AveragePool(3, 1, 1, 1, Padding.SAME),
                        new Flatten(),
                        new BatchNorm(1e-3, 0.9),
                        new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.HE_NORMAL),
                new NetworkSpec(List.of(
                        new Conv2D(5, 3, 3, 2, 2, Padding.VALID, Activation.SIGMOID),
                        new Flatten(),
                        new Dropout(0.3),
                        new Dense(24, Activation.IDENTITY),
                        new BatchNorm(1e-4, 0.7),
                        new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM),
                new NetworkSpec(List.of(
                        new Flatten(),
                        new BatchNorm(1e-3, 0.9),
                        new Dropout(0.1),
                        new Dense(16, Activation.SIGMOID),
                        new Dense(12, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM, 255));
    }

    static Stream<NetworkSpec> allShapes() {
        return Stream.concat(shapes(), edgeShapes());
    }

    @ParameterizedTest
    @MethodSource("allShapes")
    void singleImagesAndBatchesAgreeWithTheReference(NetworkSpec spec) throws IOException {
        NetworkWeights weights = randomWeights(spec, 5);
        MnistDataset images = MnistData.test().first(CHECKED_IMAGES);
        ReferenceNetwork reference = new ReferenceNetwork(weights);
        ModelInfo info = new ModelInfo(Dl4jBackend.NAME, Dl4jRuntime.version(), spec, spec.parameterCount(), null,
                List.of(), null, null);
        try (DigitClassifier model = backend().fromWeights(info, weights)) {
            assertThat(model.networkWeights()).as("weights exported after import").isEqualTo(weights);
            List<DigitImage> all = Stream.iterate(0, i -> i + 1).limit(images.size()).map(images::image).toList();
            var batched = model.predictAll(all);
            double worstBatch = 0;
            double worstSingle = 0;
            for (int i = 0; i < all.size(); i++) {
                double[] expected = reference.probabilities(all.get(i).pixels());
                float[] single = model.predict(all.get(i)).probabilities();
                float[] batch = batched.get(i).probabilities();
                assertThat(single).hasSize(spec.classes());
                for (int c = 0; c < expected.length; c++) {
                    worstSingle = Math.max(worstSingle, Math.abs(expected[c] - single[c]));
                    worstBatch = Math.max(worstBatch, Math.abs(expected[c] - batch[c]));
                }
            }
            assertThat(worstSingle).as("single images").isLessThanOrEqualTo(REFERENCE_TOLERANCE);
            assertThat(worstBatch).as("a batch").isLessThanOrEqualTo(REFERENCE_TOLERANCE);
        }
    }

    /**
     * Training runs channels-first, which flattens an image in {@code c, h, w} order: weights must move into and out
     * of that network unchanged and compute what the reference computes.
     */
    @ParameterizedTest
    @MethodSource("allShapes")
    void theChannelsFirstTrainingNetworkComputesTheReferencesAnswer(NetworkSpec spec) throws IOException {
        NetworkWeights weights = randomWeights(spec, 7);
        Dl4jNetwork network = new Dl4jNetwork(spec, CNN2DFormat.NCHW);
        MultiLayerNetwork net = network.create(TrainingConfig.builder().network(spec).build());
        try {
            network.setWeights(net, weights);
            assertThat(network.weights(net)).isEqualTo(weights);
            MnistDataset images = MnistData.test().first(CHECKED_IMAGES);
            float[] pixels = scaledPixels(spec, images);
            float[] actual = network.probabilities(net, pixels, images.size(), 0);
            ReferenceNetwork reference = new ReferenceNetwork(weights);
            double worst = 0;
            for (int i = 0; i < images.size(); i++) {
                double[] expected = reference.probabilities(images.image(i).pixels());
                for (int c = 0; c < expected.length; c++) {
                    worst = Math.max(worst, Math.abs(expected[c] - actual[i * spec.classes() + c]));
                }
            }
            assertThat(worst).isLessThanOrEqualTo(REFERENCE_TOLERANCE);
        } finally {
            net.close();
        }
    }

    /**
     * Shapes without batch normalisation or dropout, whose training-mode forward pass is the reference's: the
     * contract's, and a SAME average over partial edge windows.
     */
    static Stream<NetworkSpec> deterministicShapes() {
        return Stream.concat(shapes().filter(spec -> spec.layers().stream()
                        .noneMatch(l -> l instanceof BatchNorm || l instanceof Dropout)),
                Stream.of(new NetworkSpec(List.of(
                        new Conv2D(4, 3, 3, 1, 1, Padding.SAME, Activation.RELU),
                        new AveragePool(3, 3, 2, 2, Padding.SAME),
                        new MaxPool(2, 2, 2, 2, Padding.SAME),
                        new Flatten(),
                        new Dense(16, Activation.SIGMOID),
                        new Dense(11, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM)));
    }

    /**
     * DL4J's backward pass through the channels-first training network (strided, asymmetric SAME padding,
     * rectangular kernels, SAME pooling, every activation) is the derivative of the reference's mean
     * cross-entropy, checked by central differences of the reference (in double precision, the step the exact
     * difference of the two float parameters) on each tensor's largest gradient and two picked at random. DL4J's gradient is of the summed loss (its updater
     * divides by the batch size).
     */
    @ParameterizedTest
    @MethodSource("deterministicShapes")
    void trainingGradientsAreTheReferenceLossesDerivatives(NetworkSpec spec) throws IOException {
        NetworkWeights weights = randomWeights(spec, 13);
        MnistDataset batch = MnistData.train().first(8);
        Dl4jNetwork network = new Dl4jNetwork(spec, CNN2DFormat.NCHW);
        TrainingConfig config = TrainingConfig.builder().network(spec).build();
        MultiLayerNetwork net = network.create(config);
        MultiLayerNetwork gradients = network.create(config);
        try {
            network.setWeights(net, weights);
            float[] oneHot = new float[batch.size() * spec.classes()];
            for (int i = 0; i < batch.size(); i++) {
                oneHot[i * spec.classes() + batch.label(i)] = 1;
            }
            net.setInput(network.input(scaledPixels(spec, batch), batch.size()));
            net.setLabels(Nd4j.create(oneHot, new long[] {batch.size(), spec.classes()}, 'c'));
            net.computeGradientAndScore();
            gradients.setParams(net.getGradientsViewArray().dup().divi(batch.size()));
            NetworkWeights engine = network.weights(gradients);

            java.util.SplittableRandom random = new java.util.SplittableRandom(17);
            int checked = 0;
            for (int t = 0; t < weights.tensors().size(); t++) {
                float[] g = engine.tensors().get(t).values();
                int largest = 0;
                for (int i = 1; i < g.length; i++) {
                    largest = Math.abs(g[i]) > Math.abs(g[largest]) ? i : largest;
                }
                double tolerance = 1e-3 * Math.abs(g[largest]) + 1e-6;
                for (int i : new int[] {largest, random.nextInt(g.length), random.nextInt(g.length)}) {
                    // a step that takes a unit across a relu's kink spoils the difference; a tenth of it does not
                    double numeric = centralDifference(weights, t, i, batch, 1e-4f);
                    if (Math.abs(numeric - g[i]) > tolerance) {
                        numeric = centralDifference(weights, t, i, batch, 1e-5f);
                    }
                    assertThat((double) g[i]).as("d loss / d %s[%d]", weights.tensors().get(t).name(), i)
                            .isCloseTo(numeric, org.assertj.core.data.Offset.offset(tolerance));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(3 * weights.tensors().size());
        } finally {
            net.close();
            gradients.close();
        }
    }

    private static double centralDifference(NetworkWeights weights, int tensor, int index, MnistDataset batch,
                                            float step) {
        float value = weights.tensors().get(tensor).values()[index];
        float up = value + step;
        float down = value - step;
        return (referenceLoss(weights, tensor, index, up, batch) - referenceLoss(weights, tensor, index, down, batch))
                / ((double) up - down);
    }

    /** The reference network's mean cross-entropy on {@code batch} with one parameter replaced. */
    private static double referenceLoss(NetworkWeights weights, int tensor, int index, float value,
                                        MnistDataset batch) {
        List<NetworkWeights.Tensor> tensors = new java.util.ArrayList<>(weights.tensors());
        NetworkWeights.Tensor t = tensors.get(tensor);
        float[] values = t.values().clone();
        values[index] = value;
        tensors.set(tensor, new NetworkWeights.Tensor(t.name(), t.shape(), values));
        ReferenceNetwork reference = new ReferenceNetwork(new NetworkWeights(weights.network(), tensors));
        double loss = 0;
        for (int i = 0; i < batch.size(); i++) {
            loss -= Math.log(reference.probabilities(batch.image(i).pixels())[batch.label(i)]);
        }
        return loss / batch.size();
    }

    /**
     * One training step moves a batch normalisation's moving statistics as the spec says, {@code moving = momentum
     * * moving + (1 - momentum) * batch}, with the batch's population variance (as Keras computes it): DL4J's decay
     * is the momentum, not its complement, and DL4J does not divide this update by the batch size.
     */
    @Test
    void oneStepMovesTheMovingStatisticsByTheSpecsMomentum() throws IOException {
        double momentum = 0.8;
        NetworkSpec spec = new NetworkSpec(List.of(
                new Conv2D(3, 3, 3, 2, 2, Padding.SAME, Activation.RELU),
                new BatchNorm(1e-3, momentum),
                new Flatten(),
                new Dense(6, Activation.TANH),
                new BatchNorm(1e-3, momentum),
                new Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM);
        NetworkWeights before = randomWeights(spec, 3);
        MnistDataset batch = MnistData.train().first(32);
        float[] pixels = scaledPixels(spec, batch);
        Dl4jNetwork network = new Dl4jNetwork(spec, CNN2DFormat.NCHW);
        MultiLayerNetwork net = network.create(TrainingConfig.builder().network(spec).build());
        try {
            network.setWeights(net, before);
            // inputs of the two batch normalisations (DL4J layers 1 and 3) as the training step sees them (the
            // second after the first has normalised with the batch's statistics); nothing random comes before either
            List<INDArray> activations = net.feedForward(network.input(pixels, batch.size()), true);
            INDArray convOut = activations.get(1).permute(0, 2, 3, 1).dup('c').reshape('c', -1, 3);
            INDArray denseOut = activations.get(3);
            float[] oneHot = new float[batch.size() * 10];
            for (int i = 0; i < batch.size(); i++) {
                oneHot[i * 10 + batch.label(i)] = 1;
            }
            net.fit(new DataSet(network.input(pixels, batch.size()),
                    Nd4j.create(oneHot, new long[] {batch.size(), 10}, 'c')));
            NetworkWeights after = network.weights(net);
            assertMoved(before, after, "1", convOut, momentum);
            assertMoved(before, after, "4", denseOut, momentum);
        } finally {
            net.close();
        }
    }

    private static void assertMoved(NetworkWeights before, NetworkWeights after, String layer, INDArray inputs,
                                    double momentum) {
        float[] mean = inputs.mean(0).toFloatVector();
        float[] variance = inputs.var(false, 0).toFloatVector();
        float[] oldMean = tensor(before, layer + ".movingMean");
        float[] oldVariance = tensor(before, layer + ".movingVariance");
        float[] newMean = tensor(after, layer + ".movingMean");
        float[] newVariance = tensor(after, layer + ".movingVariance");
        for (int c = 0; c < mean.length; c++) {
            assertThat((double) newMean[c]).as("layer %s moving mean %d", layer, c)
                    .isCloseTo(momentum * oldMean[c] + (1 - momentum) * mean[c], org.assertj.core.data.Offset.offset(1e-5));
            assertThat((double) newVariance[c]).as("layer %s moving variance %d", layer, c)
                    .isCloseTo(momentum * oldVariance[c] + (1 - momentum) * variance[c],
                            org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static float[] tensor(NetworkWeights weights, String name) {
        return weights.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().values();
    }

    /** The images' pixels as the shared classifier hands them to a backend: multiplied by the input scale. */
    private static float[] scaledPixels(NetworkSpec spec, MnistDataset images) {
        float[] pixels = new float[images.size() * DigitImage.PIXELS];
        for (int i = 0; i < images.size(); i++) {
            images.copyPixels(i, pixels, i * DigitImage.PIXELS);
        }
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] *= (float) spec.inputScale();
        }
        return pixels;
    }
}
