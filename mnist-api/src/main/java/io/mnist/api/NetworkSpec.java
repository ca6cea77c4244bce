package io.mnist.api;

import java.util.ArrayList;
import java.util.List;

/**
 * An engine-neutral description of a feed-forward network over 28x28x1 images; each backend builds its own
 * engine's network from it, so both backends train the same architecture.
 *
 * <p>Layer order, weight layout and the flatten order (channels-last: row, column, channel) are defined here so
 * that weights can move between engines. The last layer must be a 10-unit softmax dense layer.
 *
 * @param layers      the layers from input to output
 * @param initializer how weights start; biases always start at zero
 */
public record NetworkSpec(List<Layer> layers, Initializer initializer) {

    /** Input height, width and channels. */
    public static final int INPUT_SIZE = 28;

    public NetworkSpec {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("A network needs at least one layer");
        }
        if (!(layers.get(layers.size() - 1) instanceof Dense last)
                || last.units() != 10 || last.activation() != Activation.SOFTMAX) {
            throw new IllegalArgumentException("The last layer must be Dense(10, SOFTMAX), got "
                    + layers.get(layers.size() - 1));
        }
        shapes(layers);
    }

    /**
     * The seed network of the Keras notebook: conv 3x3x32 relu, conv 3x3x64 relu, max-pool 2, dropout 0.25,
     * flatten, dense 128 relu, dropout 0.5, dense 10 softmax; Glorot-uniform weights. 1,199,882 parameters.
     */
    public static NetworkSpec seed() {
        return new NetworkSpec(List.of(
                new Conv2D(32, 3, Activation.RELU),
                new Conv2D(64, 3, Activation.RELU),
                new MaxPool(2),
                new Dropout(0.25),
                new Flatten(),
                new Dense(128, Activation.RELU),
                new Dropout(0.5),
                new Dense(10, Activation.SOFTMAX)), Initializer.GLOROT_UNIFORM);
    }

    /**
     * The network of the bundled pretrained models: two blocks of two 3x3 convolutions (32 then 64 filters, relu)
     * each followed by max-pool 2 and dropout 0.25, then flatten, dense 256 relu, dropout 0.5, dense 10 softmax;
     * Glorot-uniform weights. 329,962 parameters (a quarter of the seed network's, so a 1.3 MB model file) for
     * about the same arithmetic per image, and the second block sees whole strokes rather than edges.
     */
    public static NetworkSpec compact() {
        return new NetworkSpec(List.of(
                new Conv2D(32, 3, Activation.RELU),
                new Conv2D(32, 3, Activation.RELU),
                new MaxPool(2),
                new Dropout(0.25),
                new Conv2D(64, 3, Activation.RELU),
                new Conv2D(64, 3, Activation.RELU),
                new MaxPool(2),
                new Dropout(0.25),
                new Flatten(),
                new Dense(256, Activation.RELU),
                new Dropout(0.5),
                new Dense(10, Activation.SOFTMAX)), Initializer.GLOROT_UNIFORM);
    }

    /** The number of trainable parameters this spec defines (weights and biases). */
    public long parameterCount() {
        long total = 0;
        List<int[]> shapes = shapes(layers);
        for (int i = 0; i < layers.size(); i++) {
            total += layers.get(i).parameterCount(shapes.get(i));
        }
        return total;
    }

    /**
     * Multiply-adds of one image's forward pass through the convolutions and dense layers (pooling, activations
     * and dropout are left out: they cost a few per cent). Training costs about three times as much (forward,
     * gradient of the input, gradient of the weights), so FLOP/s = 2 x multiply-adds x images/s (x 3 in training).
     */
    public long multiplyAddsPerImage() {
        long total = 0;
        List<int[]> shapes = shapes(layers);
        for (int i = 0; i < layers.size(); i++) {
            int[] in = shapes.get(i);
            Layer layer = layers.get(i);
            if (layer instanceof Conv2D c) {
                int[] out = c.outputShape(in);
                total += (long) out[0] * out[1] * out[2] * c.kernel() * c.kernel() * in[2];
            } else if (layer instanceof Dense d) {
                total += (long) in[0] * d.units();
            }
        }
        return total;
    }

    /** The input shape (height, width, channels, or {@code [units]} once flat) of each layer. */
    private static List<int[]> shapes(List<Layer> layers) {
        List<int[]> shapes = new ArrayList<>();
        int[] shape = {INPUT_SIZE, INPUT_SIZE, 1};
        for (Layer layer : layers) {
            shapes.add(shape);
            shape = layer.outputShape(shape);
        }
        return shapes;
    }

    /** Activation functions a layer may apply. */
    public enum Activation { RELU, SOFTMAX, IDENTITY }

    /** Weight initialisation schemes. */
    public enum Initializer {
        /** Keras' default: uniform in +-sqrt(6 / (fanIn + fanOut)). */
        GLOROT_UNIFORM,
        /** He et al.: normal with standard deviation sqrt(2 / fanIn). */
        HE_NORMAL
    }

    /** One layer of the network. In a model file each is written with its kind as {@code "type"}. */
    public sealed interface Layer permits Conv2D, MaxPool, Dropout, Flatten, Dense {
        /** The output shape for an input of {@code in}; throws if the layer cannot take that input. */
        int[] outputShape(int[] in);

        /** Trainable parameters for an input of {@code in}. */
        default long parameterCount(int[] in) {
            return 0;
        }
    }

    /**
     * A valid (unpadded) stride-1 convolution. Weights are laid out {@code [kernel][kernel][inChannels][filters]}.
     */
    public record Conv2D(int filters, int kernel, Activation activation) implements Layer {
        public Conv2D {
            positive(filters, "filters");
            positive(kernel, "kernel");
        }

        @Override
        public int[] outputShape(int[] in) {
            requireImage(in, this);
            if (in[0] < kernel || in[1] < kernel) {
                throw new IllegalArgumentException(this + " needs an input of at least " + kernel + "x" + kernel);
            }
            return new int[] {in[0] - kernel + 1, in[1] - kernel + 1, filters};
        }

        @Override
        public long parameterCount(int[] in) {
            return (long) kernel * kernel * in[2] * filters + filters;
        }
    }

    /** Max pooling with a square window and an equal stride. */
    public record MaxPool(int size) implements Layer {
        public MaxPool {
            positive(size, "size");
        }

        @Override
        public int[] outputShape(int[] in) {
            requireImage(in, this);
            return new int[] {in[0] / size, in[1] / size, in[2]};
        }
    }

    /** Drops units during training with probability {@code rate} (the Keras meaning, not the keep probability). */
    public record Dropout(double rate) implements Layer {
        public Dropout {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
            }
        }

        @Override
        public int[] outputShape(int[] in) {
            return in;
        }
    }

    /** Flattens height, width and channels into one vector in row, column, channel order. */
    public record Flatten() implements Layer {
        @Override
        public int[] outputShape(int[] in) {
            int n = 1;
            for (int d : in) {
                n *= d;
            }
            return new int[] {n};
        }
    }

    /** A fully connected layer. Weights are laid out {@code [inputs][units]}. */
    public record Dense(int units, Activation activation) implements Layer {
        public Dense {
            positive(units, "units");
        }

        @Override
        public int[] outputShape(int[] in) {
            if (in.length != 1) {
                throw new IllegalArgumentException(this + " needs a flat input; add a Flatten layer before it");
            }
            return new int[] {units};
        }

        @Override
        public long parameterCount(int[] in) {
            return (long) in[0] * units + units;
        }
    }

    private static void positive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    private static void requireImage(int[] in, Layer layer) {
        if (in.length != 3) {
            throw new IllegalArgumentException(layer + " needs an image input, but the input is already flat");
        }
    }
}
