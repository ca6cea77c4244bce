package io.mnist.djl;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import io.mnist.api.DigitImage;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds DJL blocks from a {@link NetworkSpec} and moves weights between DJL's layout and the neutral one.
 *
 * <p>The block takes {@code (N, 784)} pixels and returns logits {@code (N, classes)}; softmax is applied at
 * inference, and the loss works from logits, which is the numerically stable form of Keras' softmax +
 * cross-entropy. Images run NCHW, as PyTorch's kernels want. Conv weights are {@code (out, in, kh, kw)} and dense
 * weights {@code (out, in)} in DJL: both transposed explicitly on import and export. Batch normalisation runs over
 * axis 1, the channels in NCHW and the units of a flat input, which is the spec's last axis either way.
 *
 * <p>The flatten of an image is a plain reshape, so its features come in NCHW order (channel, row, column), not the
 * spec's (row, column, channel); the parameters that run along those features, the first dense layer's input axis
 * and any batch normalisation between the flatten and it, are kept in the engine in that channel-major order and
 * reordered whenever weights enter or leave: {@link #setWeights}, {@link #weights} and the parameter stream of
 * {@link #loadParameters} and {@link #saveParameters}, which keeps the spec's order so that model files do not
 * change. Flattening through a transpose to channels-last instead (as this class did until November 2026) hands
 * the pooling before it a channels-last gradient; libtorch 2.7.1's max pooling backward then computes in
 * channels-last and copies its zeroed NCHW gradient input and its indices to that layout and the result back, about
 * 9 ms of a 111 ms training step of the seed network (BENCHMARKS.md).
 *
 * <p>{@code VALID} windows use the engine's blocks unchanged, so the bundled and older model files keep their
 * parameter stream. {@code SAME} padding follows TensorFlow's rule, which may put one more row or column after than
 * before; PyTorch pads both sides alike, so symmetric padding goes to the engine's padded kernels and asymmetric
 * padding is added explicitly in front of an unpadded kernel: zeros for a convolution and for average pooling, minus
 * infinity for max pooling (so padding never wins, as in the engine's own padded max pooling). Average pooling's
 * kernel divides by the whole window either way, so its edge windows are rescaled to divide by their real inputs.
 */
final class DjlNetwork {
    private static final Shape NO_PADDING = new Shape(0, 0);

    private final NetworkSpec spec;
    private final SequentialBlock block;
    /** The blocks holding parameters (conv, dense and batch normalisation), by their layer's index in the spec. */
    private final Map<Integer, Block> parameterised = new HashMap<>();
    /** The image the flatten flattens, {@code [height, width, channels]}, or null if no flatten sees an image. */
    private int[] flattened;
    /** The layers whose parameters run along the flattened features, in channel-major order in the engine. */
    private final Set<Integer> channelMajor = new HashSet<>();

    /**
     * @throws IllegalArgumentException if the spec holds a layer kind this backend does not know
     */
    DjlNetwork(NetworkSpec spec) {
        this.spec = spec;
        this.block = new SequentialBlock();
        block.add(LambdaBlock.singleton(x -> x.reshape(-1, 1, DigitImage.SIZE, DigitImage.SIZE), "to_nchw"));
        List<NetworkSpec.Layer> layers = spec.layers();
        List<int[]> inputs = spec.inputShapes();
        boolean featuresChannelMajor = false;
        for (int i = 0; i < layers.size(); i++) {
            NetworkSpec.Layer layer = layers.get(i);
            int[] in = inputs.get(i);
            boolean last = i == layers.size() - 1;
            if (layer instanceof NetworkSpec.Conv2D c) {
                addConvolution(i, c, in);
            } else if (layer instanceof NetworkSpec.MaxPool p) {
                addPool(true, p.poolHeight(), p.poolWidth(), p.strideHeight(), p.strideWidth(), p.padding(), in);
            } else if (layer instanceof NetworkSpec.AveragePool p) {
                addPool(false, p.poolHeight(), p.poolWidth(), p.strideHeight(), p.strideWidth(), p.padding(), in);
            } else if (layer instanceof NetworkSpec.BatchNorm b) {
                if (featuresChannelMajor) {
                    channelMajor.add(i);
                }
                // DJL's momentum is the weight of the old moving value (it hands PyTorch 1 - momentum), as in Keras.
                BatchNorm norm = BatchNorm.builder().optAxis(1).optEpsilon((float) b.epsilon())
                        .optMomentum((float) b.momentum()).build();
                block.add(norm);
                parameterised.put(i, norm);
            } else if (layer instanceof NetworkSpec.Dropout d) {
                block.add(Dropout.builder().optRate((float) d.rate()).build());
            } else if (layer instanceof NetworkSpec.Flatten) {
                if (in.length == 3) {
                    flattened = in;
                    featuresChannelMajor = true;
                }
                block.add(LambdaBlock.singleton(x -> x.reshape(x.getShape().get(0), -1), "flatten_nchw"));
            } else if (layer instanceof NetworkSpec.Dense d) {
                if (featuresChannelMajor) {
                    channelMajor.add(i);
                    featuresChannelMajor = false;
                }
                Linear dense = Linear.builder().setUnits(d.units()).build();
                block.add(dense);
                parameterised.put(i, dense);
            } else {
                throw new IllegalArgumentException("The djl backend cannot build layer " + i + ": " + layer);
            }
            addActivation(layer.activation(), last);
        }
    }

    private void addConvolution(int index, NetworkSpec.Conv2D c, int[] in) {
        Conv2d.Builder builder = Conv2d.builder().setKernelShape(new Shape(c.kernelHeight(), c.kernelWidth()))
                .setFilters(c.filters());
        if (c.strideHeight() != 1 || c.strideWidth() != 1 || c.padding() != NetworkSpec.Padding.VALID) {
            builder.optStride(new Shape(c.strideHeight(), c.strideWidth()));
            Edges edges = Edges.of(c.padding(), in, c.kernelHeight(), c.kernelWidth(), c.strideHeight(),
                    c.strideWidth());
            if (edges.symmetric()) {
                builder.optPadding(new Shape(edges.top(), edges.left()));
            } else {
                Shape sides = edges.padShape();
                block.add(LambdaBlock.singleton(x -> x.pad(sides, 0), "pad_zeros"));
                builder.optPadding(NO_PADDING);
            }
        }
        Conv2d conv = builder.build();
        block.add(conv);
        parameterised.put(index, conv);
    }

    private void addPool(boolean max, int ph, int pw, int sh, int sw, NetworkSpec.Padding padding, int[] in) {
        Shape kernel = new Shape(ph, pw);
        Shape stride = new Shape(sh, sw);
        Edges edges = Edges.of(padding, in, ph, pw, sh, sw);
        if (edges.none()) {
            block.add(max ? Pool.maxPool2dBlock(kernel, stride) : Pool.avgPool2dBlock(kernel, stride));
            return;
        }
        Shape sides = edges.padShape();
        Shape symmetric = new Shape(edges.top(), edges.left());
        if (max) {
            block.add(edges.symmetric() ? Pool.maxPool2dBlock(kernel, stride, symmetric, false)
                    : LambdaBlock.singleton(x -> Pool.maxPool2d(x.pad(sides, Double.NEGATIVE_INFINITY), kernel,
                            stride, NO_PADDING, false), "max_pool_same"));
            return;
        }
        // DJL's PyTorch bridge never passes count_include_pad on, so the engine always divides by the whole window:
        // the means of edge windows are rescaled to divide by their real inputs only.
        int oh = padding.outputSize(in[0], ph, sh);
        int ow = padding.outputSize(in[1], pw, sw);
        float[] rescale = new float[oh * ow];
        for (int r = 0; r < oh; r++) {
            int rows = inside(r * sh - edges.top(), ph, in[0]);
            for (int c = 0; c < ow; c++) {
                rescale[r * ow + c] = (float) ph * pw / (rows * inside(c * sw - edges.left(), pw, in[1]));
            }
        }
        Shape rescaleShape = new Shape(oh, ow);
        Function<NDArray, NDArray> sum = edges.symmetric()
                ? x -> Pool.avgPool2d(x, kernel, stride, symmetric, false, true)
                : x -> Pool.avgPool2d(x.pad(sides, 0), kernel, stride, NO_PADDING, false, true);
        block.add(LambdaBlock.singleton(x -> sum.apply(x).mul(x.getManager().create(rescale, rescaleShape)),
                "avg_pool_same"));
    }

    /** How many of the positions {@code [from, from + window)} lie in {@code [0, size)}. */
    private static int inside(int from, int window, int size) {
        return Math.min(from + window, size) - Math.max(from, 0);
    }

    private void addActivation(NetworkSpec.Activation activation, boolean last) {
        switch (activation) {
            case RELU -> block.add(Activation.reluBlock());
            case SOFTMAX -> {
                if (!last) {
                    block.add(LambdaBlock.singleton(x -> x.softmax(-1), "softmax"));
                }
            }
            case SIGMOID -> block.add(Activation.sigmoidBlock());
            case TANH -> block.add(Activation.tanhBlock());
            case IDENTITY -> { }
            default -> throw new IllegalArgumentException("Unknown activation " + activation);
        }
    }

    SequentialBlock block() {
        return block;
    }

    /** Creates the parameters for {@code (N, 784)} input. */
    void initialize(NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, DigitImage.PIXELS));
    }

    /** Parameters as DJL counts them: trainable ones and batch normalisation's moving statistics, as Keras counts. */
    long parameterCount() {
        return block.getParameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    /**
     * Copies neutral weights into the initialised block.
     *
     * @throws IllegalArgumentException if the weights are for another network
     */
    void setWeights(NetworkWeights weights) {
        if (!weights.network().equals(spec)) {
            throw new IllegalArgumentException("The weights are for " + weights.network() + ", not " + spec);
        }
        for (NetworkWeights.Tensor t : weights.tensors()) {
            Parameter parameter = parameter(t.name());
            NDArray array = parameter.getArray();
            float[] values = t.values();
            if (isWeight(t.name())) {
                try (NDManager sub = array.getManager().newSubManager()) {
                    NDArray neutral = sub.create(values, shape(t.shape()));
                    NDArray engine = t.shape().length == 4 ? neutral.transpose(3, 2, 0, 1) : neutral.transpose(1, 0);
                    values = engine.toType(DataType.FLOAT32, false).toFloatArray();
                }
            }
            replace(parameter, isChannelMajor(t.name()) ? reorder(values, true) : values);
        }
    }

    /** The block's weights in the neutral layout. */
    NetworkWeights weights() {
        List<NetworkWeights.Tensor> out = new ArrayList<>();
        for (NetworkWeights.Tensor t : NetworkWeights.shapes(spec)) {
            NDArray array = parameter(t.name()).getArray();
            float[] values = array.toFloatArray();
            if (isChannelMajor(t.name())) {
                values = reorder(values, false);
            }
            if (isWeight(t.name())) {
                try (NDManager sub = array.getManager().newSubManager()) {
                    NDArray engine = sub.create(values, array.getShape());
                    NDArray neutral = t.shape().length == 4 ? engine.transpose(2, 3, 1, 0) : engine.transpose(1, 0);
                    values = neutral.toFloatArray();
                }
            }
            out.add(new NetworkWeights.Tensor(t.name(), t.shape(), values));
        }
        return new NetworkWeights(spec, out);
    }

    /**
     * Reads DJL's parameter stream, as {@link #saveParameters} writes it, into this block (which must not be
     * initialised) and checks the shapes against the spec.
     *
     * @throws MalformedModelException if the stream does not hold this spec's parameters
     */
    void loadParameters(NDManager manager, DataInputStream in) throws IOException, MalformedModelException {
        block.loadParameters(manager, in);
        List<Shape> expected = expectedShapes();
        List<Shape> actual = parameterShapes();
        if (!expected.equals(actual)) {
            throw new MalformedModelException("parameter shapes " + actual + ", the network needs " + expected);
        }
        for (String name : channelMajorTensors()) {
            Parameter parameter = parameter(name);
            replace(parameter, reorder(parameter.getArray().toFloatArray(), true));
        }
    }

    /**
     * Writes DJL's parameter stream with the flattened features in the spec's order, as model files have always
     * held them: the block's own stream is loaded into a copy of the network, whose channel-major tensors are put
     * back in that order before it is written. Only reads this block, so predictions may run meanwhile.
     */
    void saveParameters(DataOutputStream out) throws IOException {
        if (channelMajor.isEmpty()) {
            block.saveParameters(out);
            return;
        }
        ByteArrayOutputStream engineOrder = new ByteArrayOutputStream(5 << 20);
        try (DataOutputStream stream = new DataOutputStream(engineOrder)) {
            block.saveParameters(stream);
        }
        try (NDManager scratch = DjlEngine.get().newBaseManager()) {
            DjlNetwork copy = new DjlNetwork(spec);
            copy.block.loadParameters(scratch,
                    new DataInputStream(new ByteArrayInputStream(engineOrder.toByteArray())));
            for (String name : channelMajorTensors()) {
                Parameter parameter = copy.parameter(name);
                replace(parameter, reorder(parameter.getArray().toFloatArray(), false));
            }
            copy.block.saveParameters(out);
        } catch (MalformedModelException e) {
            throw new IllegalStateException("The block's own parameter stream did not load back", e);
        }
    }

    /**
     * Gives {@code parameter} a new array holding {@code values} (in the engine's layout, of the parameter's shape):
     * made from them in the manager of the array it replaces, named as the parameter, and requiring a gradient
     * exactly when that array did; the old array is closed. Never writes into an existing array: DJL's
     * {@code NDArray.set} (and {@code copyTo}, which uses it) copies through its JNI {@code torchSet}, which opens
     * a deprecated libtorch guard, and libtorch then prints "Warning: AutoNonVariableTypeMode is deprecated ..." to
     * the process's stderr. {@link Parameter#setArray} refuses a parameter whose shape is known, so the parameter
     * is closed (which keeps its shape) and initialised again with an initialiser that returns the values.
     */
    private static void replace(Parameter parameter, float[] values) {
        NDArray old = parameter.getArray();
        if (values.length != old.size()) {
            throw new IllegalArgumentException(values.length + " values for parameter " + parameter.getName()
                    + " of shape " + old.getShape());
        }
        NDManager manager = old.getManager();
        boolean gradient = old.hasGradient();
        Initializer initializer = parameter.getInitializer();
        parameter.close();
        parameter.setInitializer((m, shape, type) -> m.create(values, shape));
        try {
            parameter.initialize(manager, DataType.FLOAT32);
        } finally {
            parameter.setInitializer(initializer);
        }
        parameter.getArray().setRequiresGradient(gradient);
    }

    /** The neutral names of the tensors the engine holds with the flattened features channel-major. */
    private List<String> channelMajorTensors() {
        return NetworkWeights.shapes(spec).stream().map(NetworkWeights.Tensor::name).filter(this::isChannelMajor)
                .toList();
    }

    /**
     * Whether the engine holds tensor {@code name} ({@code layer.part}) with the flattened features channel-major:
     * every tensor of a batch normalisation between the flatten and the first dense layer, and that layer's weight.
     */
    private boolean isChannelMajor(String name) {
        int layer = Integer.parseInt(name.substring(0, name.indexOf('.')));
        return channelMajor.contains(layer)
                && (spec.layers().get(layer) instanceof NetworkSpec.BatchNorm || isWeight(name));
    }

    /**
     * Reorders the last axis of {@code values}, rows of the flattened features as the engine lays out a tensor
     * (one row for a batch normalisation's, one per unit for the dense weight), from the spec's row, column, channel
     * order to the engine's channel, row, column order ({@code toEngine}) or back.
     */
    private float[] reorder(float[] values, boolean toEngine) {
        int height = flattened[0];
        int width = flattened[1];
        int channels = flattened[2];
        float[] out = new float[values.length];
        for (int row = 0; row < values.length; row += height * width * channels) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < channels; c++) {
                        int specOrder = row + (y * width + x) * channels + c;
                        int engineOrder = row + (c * height + y) * width + x;
                        if (toEngine) {
                            out[engineOrder] = values[specOrder];
                        } else {
                            out[specOrder] = values[engineOrder];
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean isWeight(String tensor) {
        return tensor.endsWith(".weight");
    }

    /** The DJL parameter holding the neutral tensor {@code name} ({@code layer.part}). */
    private Parameter parameter(String name) {
        int dot = name.indexOf('.');
        Block owner = parameterised.get(Integer.parseInt(name.substring(0, dot)));
        String part = name.substring(dot + 1);
        String engineName = switch (part) {
            case "movingMean" -> "runningMean";
            case "movingVariance" -> "runningVar";
            default -> part;
        };
        Parameter p = owner == null ? null : owner.getParameters().get(engineName);
        if (p == null) {
            throw new IllegalArgumentException("The djl network has no parameter for tensor " + name);
        }
        return p;
    }

    /** Shapes of every parameter as this spec builds them, in order, to check loaded weights against. */
    List<Shape> parameterShapes() {
        return block.getParameters().values().stream().map(Parameter::getShape).toList();
    }

    /** The shapes this spec's parameters have in DJL's layout, in the order the block holds them. */
    List<Shape> expectedShapes() {
        List<Shape> out = new ArrayList<>();
        for (NetworkWeights.Tensor t : NetworkWeights.shapes(spec)) {
            int[] s = t.shape();
            out.add(switch (s.length) {
                case 4 -> new Shape(s[3], s[2], s[0], s[1]);
                case 2 -> new Shape(s[1], s[0]);
                default -> shape(s);
            });
        }
        return out;
    }

    /**
     * Inference-mode probabilities for {@code count} images, {@code count * classes} values. Every array the call
     * makes lives in a sub-manager of {@code parent} that is closed before returning, and each call has its own
     * parameter store, so calls may run in parallel.
     */
    float[] probabilities(NDManager parent, float[] pixels, int count) {
        try (NDManager call = parent.newSubManager()) {
            NDArray x = call.create(pixels, new Shape(count, DigitImage.PIXELS));
            return forward(new ai.djl.training.ParameterStore(call, false), x, false).softmax(-1).toFloatArray();
        }
    }

    /** Logits for {@code count} images. */
    NDArray forward(ai.djl.training.ParameterStore store, NDArray pixels, boolean training) {
        return block.forward(store, new NDList(pixels), training).singletonOrThrow();
    }

    private static Shape shape(int[] dims) {
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = dims[i];
        }
        return new Shape(d);
    }

    /**
     * The padding a window adds on each side of an {@code [height, width, channels]} input: none for
     * {@code VALID}, TensorFlow's split for {@code SAME} (the extra row or column, if any, after).
     */
    private record Edges(int top, int bottom, int left, int right) {
        static Edges of(NetworkSpec.Padding padding, int[] in, int kh, int kw, int sh, int sw) {
            return new Edges(padding.padBefore(in[0], kh, sh), padding.padAfter(in[0], kh, sh),
                    padding.padBefore(in[1], kw, sw), padding.padAfter(in[1], kw, sw));
        }

        boolean none() {
            return top == 0 && bottom == 0 && left == 0 && right == 0;
        }

        boolean symmetric() {
            return top == bottom && left == right;
        }

        /** The sides for {@code NDArray.pad} on NCHW, PyTorch's order: last axis first, before then after. */
        Shape padShape() {
            return new Shape(left, right, top, bottom);
        }
    }
}
