package io.mnist.dl4j;

import io.mnist.api.DigitImage;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.TrainingConfig;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Builds a DL4J network from a {@link NetworkSpec} and moves weights between DL4J's layout and the neutral one.
 *
 * <p>Inference runs images channels-last (NHWC), the layout oneDNN's convolutions work in: run NCHW, every
 * convolution and pooling reorders its input and output, which took as long as the convolutions themselves
 * (oneDNN's verbose log, batches of 256). Training runs NCHW (see {@link Dl4jTrainer}). A channels-last network
 * flattens {@code h, w, c}, as the spec (and Keras) does; a channels-first one flattens {@code c, h, w}, so there
 * the rows of the first dense layer after a flatten (and the vectors of a batch normalisation over a flattened
 * image) are permuted explicitly on import and export. Conv kernels are {@code [out][in][kh][kw]} in DL4J (either
 * layout) and {@code [kh][kw][in][out]} in the spec; dense weights are {@code [in][out]} in both; a batch
 * normalisation's gamma, beta, mean and variance are {@code [1][channels]} in DL4J, and its activation (if any) is an
 * {@code ActivationLayer} after it, so such a spec layer is two DL4J layers. Keras' dropout takes the rate of
 * dropping, DL4J's the probability of keeping: {@code retain = 1 - rate}.
 *
 * <p>Padding: VALID is DL4J's {@code ConvolutionMode.Truncate}, SAME its {@code ConvolutionMode.Same}, which pads
 * as TensorFlow does ({@code ceil(n / s)} outputs, the smaller half of the padding before; a max never picks a
 * padded position); average pooling is told to leave padding out of its divisor. All of it agrees with the contract
 * kit's reference network to float rounding (Dl4jNetworkShapesTest), also where the padding is uneven.
 */
final class Dl4jNetwork {
    /** Keras' RMSProp and Adam epsilon. */
    static final double EPSILON = 1e-7;
    /** Keras' RMSProp decay. */
    static final double RHO = 0.9;
    private final NetworkSpec spec;
    private final CNN2DFormat format;
    /** For each spec layer with parameters, in order: where its tensors live in DL4J. */
    private final List<Parameters> parameters = new ArrayList<>();
    /** The dense layers that end the network, in order: DL4J index and activation. */
    private final List<Dense> denseTail = new ArrayList<>();

    /** A dense layer of the network's tail: its DL4J layer index and activation. */
    private record Dense(int index, NetworkSpec.Activation activation) {
    }

    /**
     * A spec layer with parameters and its DL4J layer.
     *
     * @param layer         the spec layer
     * @param index         its DL4J layer index
     * @param flattenedFrom the {h, w, c} image whose flattening its per-input tensors follow (a dense layer's rows,
     *                      a batch normalisation's vectors over a flattened image), or null if they follow no
     *                      flattened image
     */
    private record Parameters(NetworkSpec.Layer layer, int index, int[] flattenedFrom) {
    }

    /** The network in the layout this backend runs: images channels-last (NHWC). */
    Dl4jNetwork(NetworkSpec spec) {
        this(spec, CNN2DFormat.NHWC);
    }

    Dl4jNetwork(NetworkSpec spec, CNN2DFormat format) {
        this.spec = spec;
        this.format = format;
        int[] shape = {NetworkSpec.INPUT_SIZE, NetworkSpec.INPUT_SIZE, 1};
        int index = 0;
        int[] flattened = null;
        for (NetworkSpec.Layer layer : spec.layers()) {
            if (layer instanceof NetworkSpec.Flatten) {
                if (shape.length == 3) {
                    flattened = shape;
                }
            } else {
                if (layer instanceof NetworkSpec.Conv2D || layer instanceof NetworkSpec.Dense
                        || layer instanceof NetworkSpec.BatchNorm) {
                    parameters.add(new Parameters(layer, index, flattened));
                }
                if (layer instanceof NetworkSpec.Dense d) {
                    flattened = null;
                    denseTail.add(new Dense(index, d.activation()));
                } else if (!(layer instanceof NetworkSpec.Dropout)) {
                    denseTail.clear();
                }
                index += separateActivation(layer) ? 2 : 1;
            }
            shape = layer.outputShape(shape);
        }
    }

    /** A new, initialised network; weights are DL4J's until {@link #setWeights} replaces them. */
    MultiLayerNetwork create(TrainingConfig training) {
        Dl4jRuntime.check();
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(training));
        net.init();
        useOneDnn(net);
        return net;
    }

    /** A network for inference only, with the given flattened parameters (not copied). */
    MultiLayerNetwork create(INDArray parameters) {
        Dl4jRuntime.check();
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(null));
        net.init(parameters, false);
        useOneDnn(net);
        return net;
    }

    /** DL4J's field holding a convolution layer's helper, or null if this DL4J has no such field. */
    private static final Field CONV_HELPER = convHelperField();
    /** Whether ND4J runs its oneDNN build, whose conv2d ops the helper calls. */
    private static final boolean ONEDNN = oneDnnLoaded();

    /**
     * Puts DL4J's oneDNN helper on each convolution layer of {@code net}. DL4J 1.0.0-M2.1 never does so itself:
     * its check calls {@code Nd4jCpu.Environment.isUseMKLDNN()} by reflection, a method ND4J 1.0.0-M2.1 names
     * {@code isUseONEDNN()}, so the check fails and every layer falls back to im2col, about 6 times slower for
     * this network. Without the oneDNN natives, or if DL4J's internals change, the layers keep DL4J's own path.
     */
    private static void useOneDnn(MultiLayerNetwork net) {
        if (!ONEDNN || CONV_HELPER == null) {
            return;
        }
        for (Layer layer : net.getLayers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) {
                try {
                    CONV_HELPER.set(layer, new MKLDNNConvHelper(DataType.FLOAT));
                } catch (IllegalAccessException e) {
                    return;
                }
            }
        }
    }

    /** Whether {@code net}'s convolution layers run on oneDNN. */
    static boolean usesOneDnn(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) {
                try {
                    return CONV_HELPER != null && CONV_HELPER.get(layer) instanceof MKLDNNConvHelper;
                } catch (IllegalAccessException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static Field convHelperField() {
        try {
            Field f = org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class.getDeclaredField("helper");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
        }
    }

    private static boolean oneDnnLoaded() {
        try {
            Dl4jRuntime.check();
            return Nd4jCpu.Environment.getInstance().isUseONEDNN();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private MultiLayerConfiguration configuration(TrainingConfig training) {
        return configuration(training, Integer.MAX_VALUE);
    }

    /** The configuration of the network's first {@code limit} DL4J layers (all of them: {@link Integer#MAX_VALUE}). */
    private MultiLayerConfiguration configuration(TrainingConfig training, int limit) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(training == null ? 0 : training.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(updater(training))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        List<NetworkSpec.Layer> layers = spec.layers();
        int[] shape = {NetworkSpec.INPUT_SIZE, NetworkSpec.INPUT_SIZE, 1};
        int[] toFlatten = null;
        int index = 0;
        for (int i = 0; i < layers.size() && index < limit; i++) {
            NetworkSpec.Layer layer = layers.get(i);
            int[] in = shape;
            shape = layer.outputShape(shape);
            if (layer instanceof NetworkSpec.Flatten) {
                toFlatten = in.length == 3 ? in : toFlatten;
                continue;
            }
            if (toFlatten != null) {
                // DL4J flattens an image only in front of a dense layer by itself; anything else (a batch
                // normalisation, a dropout) would go on seeing the image, so the flatten is always made explicit.
                list.inputPreProcessor(index, new CnnToFeedForwardPreProcessor(toFlatten[0], toFlatten[1],
                        toFlatten[2], format));
                toFlatten = null;
            }
            list.layer(index++, layer(layer, in, i == layers.size() - 1));
            if (separateActivation(layer) && index < limit) {
                list.layer(index++, new ActivationLayer.Builder().activation(activation(layer.activation())).build());
            }
        }
        return list.setInputType(InputType.convolutional(DigitImage.SIZE, DigitImage.SIZE, 1, format)).build();
    }

    /**
     * The DL4J layer for one spec layer whose input has shape {@code in}.
     *
     * @throws IllegalArgumentException naming the layer and option if DL4J cannot build it
     */
    private org.deeplearning4j.nn.conf.layers.Layer layer(NetworkSpec.Layer layer, int[] in, boolean last) {
        if (layer instanceof NetworkSpec.Conv2D c) {
            return new ConvolutionLayer.Builder(c.kernelHeight(), c.kernelWidth())
                    .stride(c.strideHeight(), c.strideWidth()).convolutionMode(mode(c.padding()))
                    .dataFormat(format).nOut(c.filters()).activation(activation(c.activation())).build();
        } else if (layer instanceof NetworkSpec.MaxPool p) {
            return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(p.poolHeight(), p.poolWidth()).stride(p.strideHeight(), p.strideWidth())
                    .convolutionMode(mode(p.padding())).dataFormat(format).build();
        } else if (layer instanceof NetworkSpec.AveragePool p) {
            // TensorFlow's average over a window at a SAME edge divides by the real inputs it covers
            return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG)
                    .kernelSize(p.poolHeight(), p.poolWidth()).stride(p.strideHeight(), p.strideWidth())
                    .convolutionMode(mode(p.padding())).avgPoolIncludePadInDivisor(false).dataFormat(format).build();
        } else if (layer instanceof NetworkSpec.BatchNorm b) {
            // The moving variance is kept as a variance (not DL4J's default log10 of the standard deviation), so
            // that neutral weights go in and come out bit for bit; DL4J's decay is Keras' momentum:
            // moving = decay * moving + (1 - decay) * batch.
            return new BatchNormalization.Builder().eps(b.epsilon()).decay(b.momentum()).useLogStd(false)
                    .dataFormat(format).nOut(in[in.length - 1]).activation(Activation.IDENTITY).build();
        } else if (layer instanceof NetworkSpec.Dropout d) {
            return new DropoutLayer.Builder().dropOut(new Dropout(1 - d.rate())).build();
        } else if (layer instanceof NetworkSpec.Dense d) {
            if (!last) {
                return new DenseLayer.Builder().nOut(d.units()).activation(activation(d.activation())).build();
            }
            if (d.activation() != NetworkSpec.Activation.SOFTMAX) {
                throw new IllegalArgumentException("The dl4j backend needs a softmax output layer, got " + d);
            }
            return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(d.units())
                    .activation(Activation.SOFTMAX).build();
        }
        throw new IllegalArgumentException("The dl4j backend cannot build " + layer);
    }

    /**
     * Whether a spec layer's activation is a DL4J layer of its own: a batch normalisation's is, because DL4J's
     * {@code BatchNormalization} layer accepts an activation but never applies it (1.0.0-M2.1: neither its forward
     * pass nor its backward pass calls the activation function).
     */
    private static boolean separateActivation(NetworkSpec.Layer layer) {
        return layer instanceof NetworkSpec.BatchNorm && layer.activation() != NetworkSpec.Activation.IDENTITY;
    }

    /**
     * DL4J's mode for a padding: {@code Truncate} drops windows that would leave the input, as VALID does;
     * {@code Same} gives {@code ceil(n / s)} outputs with the smaller half of the padding before, as SAME does.
     */
    private static ConvolutionMode mode(NetworkSpec.Padding padding) {
        return switch (padding) {
            case VALID -> ConvolutionMode.Truncate;
            case SAME -> ConvolutionMode.Same;
        };
    }

    private static IUpdater updater(TrainingConfig training) {
        if (training == null) {
            return new RmsProp(0.001, RHO, EPSILON);
        }
        return switch (training.optimizer()) {
            case RMSPROP -> new RmsProp(training.learningRate(), RHO, EPSILON);
            case ADAM -> new Adam(training.learningRate(), 0.9, 0.999, EPSILON);
        };
    }

    private static Activation activation(NetworkSpec.Activation activation) {
        return switch (activation) {
            case RELU -> Activation.RELU;
            case SOFTMAX -> Activation.SOFTMAX;
            case SIGMOID -> Activation.SIGMOID;
            case TANH -> Activation.TANH;
            case IDENTITY -> Activation.IDENTITY;
        };
    }

    /** Copies neutral weights into {@code net}. */
    void setWeights(MultiLayerNetwork net, NetworkWeights weights) {
        List<NetworkWeights.Tensor> tensors = weights.tensors();
        int t = 0;
        for (Parameters p : parameters) {
            for (String key : keys(p.layer())) {
                NetworkWeights.Tensor tensor = tensors.get(t++);
                INDArray neutral = Nd4j.create(tensor.values(), longs(tensor.shape()), 'c');
                INDArray param = net.getParam(p.index() + "_" + key);
                if (tensor.shape().length == 4) {
                    param.assign(neutral.permute(3, 2, 0, 1));
                } else {
                    param.assign(toEngineRows(neutral, flattenedRows(p, key)).reshape(param.shape()));
                }
            }
        }
    }

    /** The weights of {@code net} in the neutral layout. */
    NetworkWeights weights(MultiLayerNetwork net) {
        List<NetworkWeights.Tensor> shapes = NetworkWeights.shapes(spec);
        List<NetworkWeights.Tensor> out = new ArrayList<>();
        for (Parameters p : parameters) {
            for (String key : keys(p.layer())) {
                NetworkWeights.Tensor tensor = shapes.get(out.size());
                int[] shape = tensor.shape();
                INDArray engine = net.getParam(p.index() + "_" + key);
                INDArray neutral;
                if (shape.length == 4) {
                    neutral = engine.permute(2, 3, 1, 0);
                } else {
                    neutral = toNeutralRows(engine.reshape('c', longs(shape)), flattenedRows(p, key));
                }
                out.add(new NetworkWeights.Tensor(tensor.name(), shape, neutral.dup('c').data().asFloat()));
            }
        }
        return new NetworkWeights(spec, out);
    }

    /**
     * DL4J's parameter keys of a spec layer, in the order of its neutral tensors: weight and bias; for a batch
     * normalisation gamma, beta, mean and variance ({@link NetworkWeights#BATCH_NORM_PARTS}).
     */
    private static List<String> keys(NetworkSpec.Layer layer) {
        if (layer instanceof NetworkSpec.BatchNorm) {
            return List.of(BatchNormalizationParamInitializer.GAMMA, BatchNormalizationParamInitializer.BETA,
                    BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_VAR);
        }
        return List.of("W", "b");
    }

    /**
     * The {h, w, c} image whose flattening the first axis of {@code p}'s tensor {@code key} runs over (a dense
     * layer's weight rows, a batch normalisation's vectors), if this network flattens it in another order than the
     * spec's; else null.
     */
    private int[] flattenedRows(Parameters p, String key) {
        boolean rowsFollowInput = p.layer() instanceof NetworkSpec.BatchNorm || key.equals("W");
        return rowsFollowInput && format == CNN2DFormat.NCHW ? p.flattenedFrom() : null;
    }

    /**
     * {@code neutral}, whose first axis runs over a flattened image in {@code h, w, c} order, with that axis in
     * {@code c, h, w} order, as a channels-first network flattens; returned as it is if {@code flattenedFrom} is
     * null.
     */
    private static INDArray toEngineRows(INDArray neutral, int[] flattenedFrom) {
        if (flattenedFrom == null) {
            return neutral;
        }
        long columns = neutral.length() / neutral.size(0);
        int[] hwc = flattenedFrom;
        return neutral.reshape('c', hwc[0], hwc[1], hwc[2], columns).permute(2, 0, 1, 3).dup('c')
                .reshape('c', neutral.shape());
    }

    /** The inverse of {@link #toEngineRows}. */
    private static INDArray toNeutralRows(INDArray engine, int[] flattenedFrom) {
        if (flattenedFrom == null) {
            return engine;
        }
        long columns = engine.length() / engine.size(0);
        int[] hwc = flattenedFrom;
        return engine.dup('c').reshape('c', hwc[2], hwc[0], hwc[1], columns).permute(1, 2, 0, 3).dup('c')
                .reshape('c', engine.shape());
    }

    /**
     * Inference-mode probabilities of {@code net} for {@code count} images, computed on {@code threads} OpenMP
     * threads (0: as set, see {@link #onThreads}); input and output arrays are closed before returning, freeing their
     * native memory. Not thread-safe for one {@code net}.
     */
    float[] probabilities(MultiLayerNetwork net, float[] pixels, int count, int threads) {
        return onThreads(threads, () -> {
            try (INDArray x = input(pixels, count);
                 INDArray out = net.output(x, false)) {
                return out.data().asFloat();
            }
        });
    }

    /**
     * Predictions with one copy of the inference network; not thread-safe (the classifier pools them). A single
     * image runs differently: DL4J computes a dense layer as a {@code [1, n] x [n, m]} matrix product, in which
     * OpenBLAS repacks the whole weight matrix on every call (for the seed network's 4.7 MB first dense layer
     * 0.36 ms, against 0.19 ms for {@code W^T x} as a matrix-vector product, in a stand-alone probe). So for one
     * image DL4J runs the layers before the dense tail (a second network over the same parameters, built on first
     * use), and the dense layers run here on ND4J as matrix-vector products, with DL4J's activations: the
     * channels-last feature map flattens in {@code h, w, c} order as DL4J's preprocessor does, and dropout at
     * inference is the identity. Every array made outside DL4J's workspaces is closed before returning.
     */
    final class Inference {
        private final INDArray parameters;
        private final MultiLayerNetwork net;
        /**
         * Built on the first single image: the layers before the dense tail (null if the network is all dense
         * layers), and the tail's {W^T, b} views.
         */
        private MultiLayerNetwork head;
        private List<INDArray[]> tail;

        Inference(INDArray parameters) {
            this.parameters = parameters;
            this.net = create(parameters);
        }

        MultiLayerNetwork network() {
            return net;
        }

        /** Probabilities for {@code count} images computed on {@code threads} OpenMP threads (0: as set). */
        float[] probabilities(float[] pixels, int count, int threads) {
            if (count != 1 || format != CNN2DFormat.NHWC || denseTail.isEmpty()) {
                return Dl4jNetwork.this.probabilities(net, pixels, count, threads);
            }
            if (tail == null) {
                head = denseTail.get(0).index() == 0 ? null : createHead(parameters);
                tail = new ArrayList<>();
                for (Dense dense : denseTail) {
                    INDArray bias = net.getParam(dense.index() + "_b");
                    tail.add(new INDArray[] {net.getParam(dense.index() + "_W").transpose(),
                        bias.reshape(bias.length())});
                }
            }
            return onThreads(threads, () -> {
                try (INDArray x = input(pixels, 1)) {
                    if (head == null) {
                        return denseLayers(x);
                    }
                    try (INDArray features = head.output(x, false)) {
                        return denseLayers(features);
                    }
                }
            });
        }

        private float[] denseLayers(INDArray features) {
            List<INDArray> made = new ArrayList<>();
            try {
                INDArray v = features.reshape('c', new long[] {features.length()});
                made.add(v);
                for (int layer = 0; layer < denseTail.size(); layer++) {
                    INDArray[] weightsAndBias = tail.get(layer);
                    INDArray y = weightsAndBias[0].mmul(v);
                    made.add(y);
                    y.addi(weightsAndBias[1]);
                    v = activation(denseTail.get(layer).activation()).getActivationFunction().getActivation(y, false);
                    made.add(v);
                }
                return v.toFloatVector();
            } finally {
                Set<INDArray> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
                distinct.addAll(made); // activations work in place: the same array may be listed twice
                for (INDArray a : distinct) {
                    if (a.closeable()) {
                        a.close();
                    }
                }
            }
        }
    }

    /**
     * The layers before the dense tail, for inference, on the leading part of {@code parameters} (DL4J keeps each
     * layer's parameters in order in one flat array): a view, not a copy.
     */
    private MultiLayerNetwork createHead(INDArray parameters) {
        MultiLayerConfiguration conf = configuration(null, denseTail.get(0).index());
        long count = 0;
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            count += layer.getLayer().initializer().numParams(layer);
        }
        MultiLayerNetwork head = new MultiLayerNetwork(conf);
        INDArray row = parameters.reshape('c', 1, parameters.length());
        head.init(row.get(NDArrayIndex.all(), NDArrayIndex.interval(0, count)), false);
        useOneDnn(head);
        return head;
    }

    /**
     * Runs {@code work} with ND4J's OpenMP operations started from this thread limited to {@code threads} (0: as
     * they are), then restores the thread's limit. OpenMP keeps the limit per calling thread, so other threads'
     * predictions are not affected.
     */
    static <T> T onThreads(int threads, Supplier<T> work) {
        if (threads <= 0) {
            return work.get();
        }
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = ops.ompGetMaxThreads();
        ops.setOmpNumThreads(threads);
        try {
            return work.get();
        } finally {
            ops.setOmpNumThreads(before);
        }
    }

    /** {@code count} images as the network's input: {@code [count, 28, 28, 1]} (NHWC) or {@code [count, 1, 28, 28]}. */
    INDArray input(float[] pixels, int count) {
        long[] shape = format == CNN2DFormat.NHWC ? new long[] {count, DigitImage.SIZE, DigitImage.SIZE, 1}
                : new long[] {count, 1, DigitImage.SIZE, DigitImage.SIZE};
        return Nd4j.create(pixels, shape, 'c');
    }

    /** The DL4J index of the output layer. */
    int outputLayer() {
        return parameters.get(parameters.size() - 1).index();
    }

    private static long[] longs(int[] dims) {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }
}
