package io.mnist.api;

import java.util.ArrayList;
import java.util.List;

/**
 * An engine-neutral description of a feed-forward network over 28x28x1 images; each backend builds its own
 * engine's network from it, so every backend trains and runs the same architecture, and Keras import and ONNX
 * export work from it rather than from any engine.
 *
 * <p>Layer order, weight layout and the flatten order (channels-last: row, column, channel) are defined here so
 * that weights can move between engines. Shapes follow Keras (channels-last, {@code valid} and {@code same}
 * padding as TensorFlow defines them). The input is always one 28x28 grey image with values in [0, 1] multiplied
 * by {@link #inputScale()}; models whose Keras input is {@code (28, 28)} or {@code (784,)} map onto it with a
 * leading {@link Flatten}, which keeps the same order.
 *
 * <p>The last layer must be a softmax {@link Dense} layer of at least ten units: units 0-9 are the digits 0-9,
 * any further units are other classes (for example "not a digit"). Softmax is allowed only there.
 *
 * @param layers      the layers from input to output
 * @param initializer how weights start; biases always start at zero
 * @param inputScale  what pixels in [0, 1] are multiplied by before the first layer: 1 for networks trained on
 *                    [0, 1] (Keras notebooks that divide by 255), 255 for networks trained on raw 0-255 pixels
 */
public record NetworkSpec(List<Layer> layers, Initializer initializer, double inputScale) {

    /** Input height, width and channels. */
    public static final int INPUT_SIZE = 28;
    /** Digit classes: output units 0-9. */
    public static final int DIGITS = 10;

    /**
     * Checks that the layers chain from a 28x28x1 input to a softmax output.
     *
     * @throws IllegalArgumentException if a layer cannot take its input's shape, softmax appears before the last
     *                                  layer, the last layer is not a softmax Dense layer of at least ten units,
     *                                  or {@code inputScale} is not a positive finite number
     */
    public NetworkSpec {
        layers = List.copyOf(layers);
        java.util.Objects.requireNonNull(initializer, "initializer");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("A network needs at least one layer");
        }
        if (!(layers.get(layers.size() - 1) instanceof Dense last)
                || last.units() < DIGITS || last.activation() != Activation.SOFTMAX) {
            throw new IllegalArgumentException("The last layer must be a Dense layer of at least 10 units with"
                    + " SOFTMAX (units 0-9 are the digits), got " + layers.get(layers.size() - 1));
        }
        for (int i = 0; i < layers.size() - 1; i++) {
            if (layers.get(i).activation() == Activation.SOFTMAX) {
                throw new IllegalArgumentException("Softmax is supported only on the last layer; layer " + i
                        + " is " + layers.get(i));
            }
        }
        if (!(inputScale > 0 && Double.isFinite(inputScale))) {
            throw new IllegalArgumentException("inputScale must be a positive number (1 or 255), got " + inputScale);
        }
        shapes(layers);
    }

    /** A network fed pixels in [0, 1] ({@code inputScale} 1). */
    public NetworkSpec(List<Layer> layers, Initializer initializer) {
        this(layers, initializer, 1);
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

    /** Output classes: the last layer's units, at least ten; units 0-9 are the digits. */
    public int classes() {
        return ((Dense) layers.get(layers.size() - 1)).units();
    }

    /**
     * The number of parameters this spec defines: weights and biases, and a batch normalisation's scale, offset
     * and moving statistics (as Keras counts them); {@link Long#MAX_VALUE} if the count does not fit a {@code long}
     * (a network no machine could hold, as a damaged or hostile file may declare).
     */
    public long parameterCount() {
        long total = 0;
        List<int[]> shapes = inputShapes();
        try {
            for (int i = 0; i < layers.size(); i++) {
                total = Math.addExact(total, layers.get(i).parameterCount(shapes.get(i)));
            }
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        return total;
    }

    /**
     * Multiply-adds of one image's forward pass through the convolutions and dense layers (pooling, activations,
     * normalisation and dropout are left out: they cost a few per cent). Training costs about three times as much
     * (forward, gradient of the input, gradient of the weights), so FLOP/s = 2 x multiply-adds x images/s (x 3 in
     * training).
     */
    public long multiplyAddsPerImage() {
        long total = 0;
        List<int[]> shapes = inputShapes();
        for (int i = 0; i < layers.size(); i++) {
            int[] in = shapes.get(i);
            Layer layer = layers.get(i);
            if (layer instanceof Conv2D c) {
                int[] out = c.outputShape(in);
                total += (long) out[0] * out[1] * out[2] * c.kernelHeight() * c.kernelWidth() * in[2];
            } else if (layer instanceof Dense d) {
                total += (long) in[0] * d.units();
            }
        }
        return total;
    }

    /**
     * The input shape of each layer, in layer order: {@code [height, width, channels]} for images,
     * {@code [units]} once flat. The first is always {@code [28, 28, 1]}.
     */
    public List<int[]> inputShapes() {
        return shapes(layers);
    }

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
    public enum Activation {
        /** max(0, x). */
        RELU,
        /** 1 / (1 + e^-x). */
        SIGMOID,
        /** The hyperbolic tangent. */
        TANH,
        /** e^x_i / sum_j e^x_j over the units; last layer only. */
        SOFTMAX,
        /** x (Keras' {@code linear}). */
        IDENTITY
    }

    /** Weight initialisation schemes. */
    public enum Initializer {
        /** Keras' default: uniform in +-sqrt(6 / (fanIn + fanOut)). */
        GLOROT_UNIFORM,
        /** He et al.: normal with standard deviation sqrt(2 / fanIn). */
        HE_NORMAL
    }

    /**
     * How a window meets the edges, as TensorFlow and Keras define it. For an input of {@code n}, a window of
     * {@code k} and a stride of {@code s}:
     * {@code VALID} gives {@code floor((n - k) / s) + 1} outputs and no padding; {@code SAME} gives
     * {@code ceil(n / s)} outputs, padding {@code max((out - 1) * s + k - n, 0)} in all, the smaller half before
     * (top, left) and the rest after (bottom, right). Pooling ignores padded positions (a max never sees them and an
     * average divides by the real inputs only); a convolution sees zeros.
     */
    public enum Padding {
        /** No padding; windows that would leave the input are dropped. */
        VALID,
        /** Pads so that the output has {@code ceil(n / s)} positions. */
        SAME;

        /**
         * Output positions along one axis.
         *
         * @throws IllegalArgumentException if a {@code VALID} window is larger than the input
         */
        public int outputSize(int n, int k, int s) {
            if (this == SAME) {
                return (n + s - 1) / s;
            }
            if (n < k) {
                throw new IllegalArgumentException("a window of " + k + " does not fit an input of " + n
                        + " without padding; use SAME padding or a smaller window");
            }
            return (n - k) / s + 1;
        }

        /** Padding before the first position (top or left) along one axis. */
        public int padBefore(int n, int k, int s) {
            return padTotal(n, k, s) / 2;
        }

        /** Padding after the last position (bottom or right) along one axis. */
        public int padAfter(int n, int k, int s) {
            int total = padTotal(n, k, s);
            return total - total / 2;
        }

        private int padTotal(int n, int k, int s) {
            return this == VALID ? 0 : Math.max((outputSize(n, k, s) - 1) * s + k - n, 0);
        }
    }

    /** One layer of the network. In a model file each is written with its kind as {@code "type"}. */
    public sealed interface Layer permits Conv2D, MaxPool, AveragePool, BatchNorm, Dropout, Flatten, Dense {
        /** The output shape for an input of {@code in}; throws if the layer cannot take that input. */
        int[] outputShape(int[] in);

        /** Parameters for an input of {@code in}; throws {@link ArithmeticException} if they overflow a long. */
        default long parameterCount(int[] in) {
            return 0;
        }

        /** The activation the layer applies to its output; {@code IDENTITY} for layers without one. */
        default Activation activation() {
            return Activation.IDENTITY;
        }
    }

    /**
     * A 2-D convolution over channels-last images, with a bias, then an activation. Weights are laid out
     * {@code [kernelHeight][kernelWidth][inChannels][filters]} (Keras' layout), the bias {@code [filters]}.
     *
     * @param filters      output channels, at least 1
     * @param kernelHeight window rows, at least 1
     * @param kernelWidth  window columns, at least 1
     * @param strideHeight step between windows down, at least 1
     * @param strideWidth  step between windows across, at least 1
     * @param padding      how windows meet the edges
     * @param activation   applied to the output; not SOFTMAX
     */
    public record Conv2D(int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                         Padding padding, Activation activation) implements Layer {
        public Conv2D {
            positive(filters, "filters");
            positive(kernelHeight, "kernelHeight");
            positive(kernelWidth, "kernelWidth");
            positive(strideHeight, "strideHeight");
            positive(strideWidth, "strideWidth");
            java.util.Objects.requireNonNull(padding, "padding");
            java.util.Objects.requireNonNull(activation, "activation");
        }

        /** A square {@code kernel}, stride 1, {@code VALID} convolution. */
        public Conv2D(int filters, int kernel, Activation activation) {
            this(filters, kernel, kernel, 1, 1, Padding.VALID, activation);
        }

        @Override
        public int[] outputShape(int[] in) {
            requireImage(in, this);
            try {
                return new int[] {padding.outputSize(in[0], kernelHeight, strideHeight),
                        padding.outputSize(in[1], kernelWidth, strideWidth), filters};
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(this + " on a " + in[0] + "x" + in[1] + " input: " + e.getMessage(), e);
            }
        }

        @Override
        public long parameterCount(int[] in) {
            return Math.addExact(Math.multiplyExact(Math.multiplyExact((long) kernelHeight * kernelWidth, in[2]),
                    filters), filters);
        }
    }

    /**
     * Max pooling over each channel.
     *
     * @param poolHeight   window rows, at least 1
     * @param poolWidth    window columns, at least 1
     * @param strideHeight step down, at least 1 (Keras' default is the window)
     * @param strideWidth  step across, at least 1
     * @param padding      how windows meet the edges; padded positions never win
     */
    public record MaxPool(int poolHeight, int poolWidth, int strideHeight, int strideWidth, Padding padding)
            implements Layer {
        public MaxPool {
            checkWindow(poolHeight, poolWidth, strideHeight, strideWidth, padding);
        }

        /** A square window of {@code size} with an equal stride and no padding, Keras' default. */
        public MaxPool(int size) {
            this(size, size, size, size, Padding.VALID);
        }

        @Override
        public int[] outputShape(int[] in) {
            return pooled(in, poolHeight, poolWidth, strideHeight, strideWidth, padding, this);
        }
    }

    /**
     * Average pooling over each channel; with {@code SAME} padding a window at the edge averages its real inputs
     * only (TensorFlow's rule).
     *
     * @param poolHeight   window rows, at least 1
     * @param poolWidth    window columns, at least 1
     * @param strideHeight step down, at least 1 (Keras' default is the window)
     * @param strideWidth  step across, at least 1
     * @param padding      how windows meet the edges
     */
    public record AveragePool(int poolHeight, int poolWidth, int strideHeight, int strideWidth, Padding padding)
            implements Layer {
        public AveragePool {
            checkWindow(poolHeight, poolWidth, strideHeight, strideWidth, padding);
        }

        /** A square window of {@code size} with an equal stride and no padding, Keras' default. */
        public AveragePool(int size) {
            this(size, size, size, size, Padding.VALID);
        }

        @Override
        public int[] outputShape(int[] in) {
            return pooled(in, poolHeight, poolWidth, strideHeight, strideWidth, padding, this);
        }
    }

    /**
     * Batch normalisation over the last axis (the channels of an image, the units of a flat input), Keras'
     * {@code BatchNormalization(axis=-1)}: {@code y = gamma * (x - mean) / sqrt(variance + epsilon) + beta}, with
     * the batch's statistics in training and the moving ones in inference. Its tensors are gamma, beta, moving mean
     * and moving variance, each {@code [channels]}; the moving statistics are not trained but updated as
     * {@code moving = momentum * moving + (1 - momentum) * batch}.
     *
     * <p>An activation after the normalisation belongs to this layer, as one after a convolution belongs to the
     * {@link Conv2D}: Keras' common {@code Conv2D(linear) -> BatchNormalization -> Activation('relu')} is a linear
     * convolution then a batch normalisation with {@code RELU}. A model file that does not record it (written before
     * it existed) reads as {@code IDENTITY}.
     *
     * @param epsilon    added to the variance, positive (Keras' default 0.001)
     * @param momentum   of the moving statistics, in [0, 1) (Keras' default 0.99)
     * @param activation applied to the normalised output; not SOFTMAX (a batch normalisation is never the last layer)
     */
    public record BatchNorm(double epsilon, double momentum, Activation activation) implements Layer {
        public BatchNorm {
            if (!(epsilon > 0 && Double.isFinite(epsilon))) {
                throw new IllegalArgumentException("epsilon must be a positive number, got " + epsilon);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            java.util.Objects.requireNonNull(activation, "activation");
        }

        /** A batch normalisation without an activation ({@code IDENTITY}). */
        public BatchNorm(double epsilon, double momentum) {
            this(epsilon, momentum, Activation.IDENTITY);
        }

        /** Keras' defaults: epsilon 0.001, momentum 0.99, no activation. */
        public BatchNorm() {
            this(1e-3, 0.99);
        }

        @Override
        public int[] outputShape(int[] in) {
            return in;
        }

        @Override
        public long parameterCount(int[] in) {
            return 4L * in[in.length - 1];
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

    /** Flattens height, width and channels into one vector in row, column, channel order; a flat input stays. */
    public record Flatten() implements Layer {
        @Override
        public int[] outputShape(int[] in) {
            long n = 1;
            for (int d : in) {
                n *= d;
            }
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Flatten of " + java.util.Arrays.toString(in) + " has " + n
                        + " values, too many for one vector");
            }
            return new int[] {(int) n};
        }
    }

    /**
     * A fully connected layer with a bias, then an activation. Weights are laid out {@code [inputs][units]}, the
     * bias {@code [units]}.
     *
     * @param units      outputs, at least 1
     * @param activation applied to the output; SOFTMAX on the last layer only
     */
    public record Dense(int units, Activation activation) implements Layer {
        public Dense {
            positive(units, "units");
            java.util.Objects.requireNonNull(activation, "activation");
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

    private static void checkWindow(int poolHeight, int poolWidth, int strideHeight, int strideWidth,
                                    Padding padding) {
        positive(poolHeight, "poolHeight");
        positive(poolWidth, "poolWidth");
        positive(strideHeight, "strideHeight");
        positive(strideWidth, "strideWidth");
        java.util.Objects.requireNonNull(padding, "padding");
    }

    private static int[] pooled(int[] in, int ph, int pw, int sh, int sw, Padding padding, Layer layer) {
        requireImage(in, layer);
        try {
            return new int[] {padding.outputSize(in[0], ph, sh), padding.outputSize(in[1], pw, sw), in[2]};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer + " on a " + in[0] + "x" + in[1] + " input: " + e.getMessage(), e);
        }
    }

    private static void requireImage(int[] in, Layer layer) {
        if (in.length != 3) {
            throw new IllegalArgumentException(layer + " needs an image input, but the input is already flat");
        }
    }
}
