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
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
 * the rows of the first dense layer after a flatten are permuted explicitly on import and export. Conv kernels
 * are {@code [out][in][kh][kw]} in DL4J (either layout) and {@code [kh][kw][in][out]} in the spec; dense weights
 * are {@code [in][out]} in both. Keras' dropout takes the rate of dropping, DL4J's the
 * probability of keeping: {@code retain = 1 - rate}.
 */
final class Dl4jNetwork {
    /** Keras' RMSProp and Adam epsilon. */
    static final double EPSILON = 1e-7;
    /** Keras' RMSProp decay. */
    static final double RHO = 0.9;
    /**
     * Batches of fewer images than this run on the calling thread alone. For a few images each operation is so
     * small that waking OpenMP's other thread costs more than it saves: a single prediction of the bundled model
     * took 0.9-1.1 ms on one thread against 1.7-2.1 ms on two, the seed network's 0.9 against 1.0-1.1 ms; from
     * about 8 images up, two threads are as fast or faster (2 cores, BENCHMARKS.md).
     */
    static final int ONE_THREAD_BELOW = 8;

    private final NetworkSpec spec;
    private final CNN2DFormat format;
    /** For each spec layer with parameters, in order: its DL4J layer index. */
    private final List<Integer> dl4jIndex = new ArrayList<>();
    /** For each spec layer with parameters: the {h, w, c} shape it flattens, or null if its input is flat. */
    private final List<int[]> flattenedFrom = new ArrayList<>();
    /** The dense layers that end the network, in order: DL4J index and activation. */
    private final List<Dense> denseTail = new ArrayList<>();

    /** A dense layer of the network's tail: its DL4J layer index and activation. */
    private record Dense(int index, NetworkSpec.Activation activation) {
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
        int[] pendingFlatten = null;
        for (NetworkSpec.Layer layer : spec.layers()) {
            if (layer instanceof NetworkSpec.Flatten) {
                pendingFlatten = shape;
            } else {
                if (layer instanceof NetworkSpec.Conv2D || layer instanceof NetworkSpec.Dense) {
                    dl4jIndex.add(index);
                    flattenedFrom.add(pendingFlatten);
                    pendingFlatten = null;
                }
                if (layer instanceof NetworkSpec.Dense d) {
                    denseTail.add(new Dense(index, d.activation()));
                } else if (!(layer instanceof NetworkSpec.Dropout)) {
                    denseTail.clear();
                }
                index++;
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
        int index = 0;
        for (int i = 0; i < layers.size() && index < limit; i++) {
            NetworkSpec.Layer layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            if (layer instanceof NetworkSpec.Conv2D c) {
                list.layer(index++, new ConvolutionLayer.Builder(c.kernelHeight(), c.kernelWidth()).stride(c.strideHeight(), c.strideWidth())
                        .convolutionMode(ConvolutionMode.Truncate).dataFormat(format).nOut(c.filters())
                        .activation(activation(c.activation())).build());
            } else if (layer instanceof NetworkSpec.MaxPool p) {
                list.layer(index++, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(p.poolHeight(), p.poolWidth()).stride(p.strideHeight(), p.strideWidth()).dataFormat(format).build());
            } else if (layer instanceof NetworkSpec.Dropout d) {
                list.layer(index++, new DropoutLayer.Builder().dropOut(new Dropout(1 - d.rate())).build());
            } else if (layer instanceof NetworkSpec.Dense d) {
                if (last) {
                    if (d.activation() != NetworkSpec.Activation.SOFTMAX) {
                        throw new IllegalArgumentException("The dl4j backend needs a softmax output layer, got " + d);
                    }
                    list.layer(index++, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(d.units())
                            .activation(Activation.SOFTMAX).build());
                } else {
                    list.layer(index++, new DenseLayer.Builder().nOut(d.units())
                            .activation(activation(d.activation())).build());
                }
            } else if (!(layer instanceof NetworkSpec.Flatten)) {
                throw new IllegalArgumentException("The dl4j backend cannot build " + layer);
            }
        }
        return list.setInputType(InputType.convolutional(DigitImage.SIZE, DigitImage.SIZE, 1, format)).build();
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
        for (int i = 0; i < dl4jIndex.size(); i++) {
            NetworkWeights.Tensor w = tensors.get(2 * i);
            NetworkWeights.Tensor b = tensors.get(2 * i + 1);
            INDArray neutral = Nd4j.create(w.values(), longs(w.shape()), 'c');
            INDArray engine;
            if (w.shape().length == 4) {
                engine = neutral.permute(3, 2, 0, 1);
            } else if (flattenedFrom.get(i) != null && format == CNN2DFormat.NCHW) {
                int[] hwc = flattenedFrom.get(i);
                engine = neutral.reshape('c', hwc[0], hwc[1], hwc[2], w.shape()[1]).permute(2, 0, 1, 3)
                        .dup('c').reshape('c', w.shape()[0], w.shape()[1]);
            } else {
                engine = neutral;
            }
            net.getParam(dl4jIndex.get(i) + "_W").assign(engine);
            net.getParam(dl4jIndex.get(i) + "_b").assign(Nd4j.create(b.values(), new long[] {1, b.values().length}, 'c'));
        }
    }

    /** The weights of {@code net} in the neutral layout. */
    NetworkWeights weights(MultiLayerNetwork net) {
        List<NetworkWeights.Tensor> shapes = NetworkWeights.shapes(spec);
        List<NetworkWeights.Tensor> out = new ArrayList<>();
        for (int i = 0; i < dl4jIndex.size(); i++) {
            NetworkWeights.Tensor w = shapes.get(2 * i);
            INDArray engine = net.getParam(dl4jIndex.get(i) + "_W");
            INDArray neutral;
            if (w.shape().length == 4) {
                neutral = engine.permute(2, 3, 1, 0);
            } else if (flattenedFrom.get(i) != null && format == CNN2DFormat.NCHW) {
                int[] hwc = flattenedFrom.get(i);
                neutral = engine.dup('c').reshape('c', hwc[2], hwc[0], hwc[1], w.shape()[1]).permute(1, 2, 0, 3);
            } else {
                neutral = engine;
            }
            out.add(new NetworkWeights.Tensor(w.name(), w.shape(), neutral.dup('c').data().asFloat()));
            NetworkWeights.Tensor b = shapes.get(2 * i + 1);
            out.add(new NetworkWeights.Tensor(b.name(), b.shape(),
                    net.getParam(dl4jIndex.get(i) + "_b").dup('c').data().asFloat()));
        }
        return new NetworkWeights(spec, out);
    }

    /**
     * Inference-mode probabilities of {@code net} for {@code count} images; input and output arrays are closed
     * before returning, freeing their native memory. Not thread-safe for one {@code net}.
     */
    float[] probabilities(MultiLayerNetwork net, float[] pixels, int count) {
        return onThreads(threadsFor(count), () -> {
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
        /** Built on the first single image: the layers before the dense tail, and the tail's {W^T, b} views. */
        private MultiLayerNetwork head;
        private List<INDArray[]> tail;

        Inference(INDArray parameters) {
            this.parameters = parameters;
            this.net = create(parameters);
        }

        MultiLayerNetwork network() {
            return net;
        }

        float[] probabilities(float[] pixels, int count) {
            if (count != 1 || format != CNN2DFormat.NHWC || denseTail.isEmpty()) {
                return Dl4jNetwork.this.probabilities(net, pixels, count);
            }
            if (head == null) {
                head = createHead(parameters);
                tail = new ArrayList<>();
                for (Dense dense : denseTail) {
                    INDArray bias = net.getParam(dense.index() + "_b");
                    tail.add(new INDArray[] {net.getParam(dense.index() + "_W").transpose(),
                        bias.reshape(bias.length())});
                }
            }
            return onThreads(threadsFor(1), () -> {
                try (INDArray x = input(pixels, 1);
                     INDArray features = head.output(x, false)) {
                    return denseLayers(features);
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

    /** OpenMP threads for a batch of {@code count} images: 1 below {@link #ONE_THREAD_BELOW}, else 0 (as set). */
    static int threadsFor(int count) {
        return count < ONE_THREAD_BELOW ? 1 : 0;
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
        return dl4jIndex.get(dl4jIndex.size() - 1);
    }

    private static long[] longs(int[] dims) {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }
}
