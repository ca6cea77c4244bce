package io.mnist.djl;

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
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import io.mnist.api.DigitImage;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds DJL blocks from a {@link NetworkSpec} and moves weights between DJL's layout and the neutral one.
 *
 * <p>The block takes {@code (N, 784)} pixels and returns logits; softmax is applied at inference, and the loss
 * works from logits, which is the numerically stable form of Keras' softmax + cross-entropy. Images run NCHW, as
 * PyTorch's kernels want; the flatten goes through NHWC so that the dense weights keep the spec's channels-last
 * order. Conv weights are {@code (out, in, k, k)} and dense weights {@code (out, in)} in DJL: both transposed
 * explicitly on import and export.
 */
final class DjlNetwork {
    private final NetworkSpec spec;
    private final SequentialBlock block;
    /** The blocks holding parameters, in spec order (conv and dense layers). */
    private final List<Block> parameterised = new ArrayList<>();

    DjlNetwork(NetworkSpec spec) {
        this.spec = spec;
        this.block = new SequentialBlock();
        block.add(LambdaBlock.singleton(x -> x.reshape(-1, 1, DigitImage.SIZE, DigitImage.SIZE), "to_nchw"));
        List<NetworkSpec.Layer> layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) {
            NetworkSpec.Layer layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            if (layer instanceof NetworkSpec.Conv2D c) {
                Conv2d conv = Conv2d.builder().setKernelShape(new Shape(c.kernelHeight(), c.kernelWidth()))
                        .setFilters(c.filters()).build();
                block.add(conv);
                parameterised.add(conv);
                addActivation(c.activation(), false);
            } else if (layer instanceof NetworkSpec.MaxPool p) {
                block.add(Pool.maxPool2dBlock(new Shape(p.poolHeight(), p.poolWidth()),
                        new Shape(p.strideHeight(), p.strideWidth())));
            } else if (layer instanceof NetworkSpec.Dropout d) {
                block.add(Dropout.builder().optRate((float) d.rate()).build());
            } else if (layer instanceof NetworkSpec.Flatten) {
                block.add(LambdaBlock.singleton(x -> x.getShape().dimension() == 4
                        ? x.transpose(0, 2, 3, 1).reshape(x.getShape().get(0), -1)
                        : x.reshape(x.getShape().get(0), -1), "flatten_nhwc"));
            } else if (layer instanceof NetworkSpec.Dense d) {
                Linear dense = Linear.builder().setUnits(d.units()).build();
                block.add(dense);
                parameterised.add(dense);
                addActivation(d.activation(), last);
            } else {
                throw new IllegalArgumentException("The djl backend cannot build " + layer);
            }
        }
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

    /** Trainable parameters, as DJL counts them. */
    long parameterCount() {
        return block.getParameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    /** Copies neutral weights into the initialised block. */
    void setWeights(NetworkWeights weights) {
        List<NetworkWeights.Tensor> tensors = weights.tensors();
        for (int i = 0; i < parameterised.size(); i++) {
            Block b = parameterised.get(i);
            NetworkWeights.Tensor w = tensors.get(2 * i);
            NetworkWeights.Tensor bias = tensors.get(2 * i + 1);
            Parameter weight = b.getParameters().get("weight");
            NDArray array = weight.getArray();
            try (NDManager sub = array.getManager().newSubManager()) {
                NDArray neutral = sub.create(w.values(), shape(w.shape()));
                NDArray engine = w.shape().length == 4 ? neutral.transpose(3, 2, 0, 1) : neutral.transpose(1, 0);
                array.set(engine.toType(DataType.FLOAT32, false).toFloatArray());
            }
            b.getParameters().get("bias").getArray().set(bias.values());
        }
    }

    /** The block's weights in the neutral layout. */
    NetworkWeights weights() {
        List<NetworkWeights.Tensor> shapes = NetworkWeights.shapes(spec);
        List<NetworkWeights.Tensor> out = new ArrayList<>();
        for (int i = 0; i < parameterised.size(); i++) {
            Block b = parameterised.get(i);
            NetworkWeights.Tensor w = shapes.get(2 * i);
            NDArray array = b.getParameters().get("weight").getArray();
            try (NDManager sub = array.getManager().newSubManager()) {
                NDArray engine = array.duplicate();
                engine.attach(sub);
                NDArray neutral = w.shape().length == 4 ? engine.transpose(2, 3, 1, 0) : engine.transpose(1, 0);
                out.add(new NetworkWeights.Tensor(w.name(), w.shape(), neutral.toFloatArray()));
            }
            NetworkWeights.Tensor bias = shapes.get(2 * i + 1);
            out.add(new NetworkWeights.Tensor(bias.name(), bias.shape(),
                    b.getParameters().get("bias").getArray().toFloatArray()));
        }
        return new NetworkWeights(spec, out);
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
     * Inference-mode probabilities for {@code count} images, {@code count * 10} values. Every array the call makes
     * lives in a sub-manager of {@code parent} that is closed before returning, and each call has its own parameter
     * store, so calls may run in parallel.
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
}
