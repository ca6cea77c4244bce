package io.mnist.api.onnx;

import io.mnist.api.LibraryVersion;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.internal.onnx.OnnxProtos.AttributeProto;
import io.mnist.api.internal.onnx.OnnxProtos.GraphProto;
import io.mnist.api.internal.onnx.OnnxProtos.ModelProto;
import io.mnist.api.internal.onnx.OnnxProtos.NodeProto;
import io.mnist.api.internal.onnx.OnnxProtos.OperatorSetIdProto;
import io.mnist.api.internal.onnx.OnnxProtos.StringStringEntryProto;
import io.mnist.api.internal.onnx.OnnxProtos.TensorProto;
import io.mnist.api.internal.onnx.OnnxProtos.TensorShapeProto;
import io.mnist.api.internal.onnx.OnnxProtos.TypeProto;
import io.mnist.api.internal.onnx.OnnxProtos.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a network ({@link NetworkWeights}: any {@link NetworkSpec} with its parameters) as an ONNX model that ONNX
 * Runtime, OpenCV, TensorRT or a Python program can run without this library.
 *
 * <p>The model has one input and one output:
 * <ul>
 *   <li>{@value #INPUT_NAME}: float {@code [N, 28, 28, 1]} (batch, row, column, channel: Keras' channels-last
 *       layout), pixels in [0, 1], white digit on black (the MNIST convention, what
 *       {@link io.mnist.api.DigitImage#pixels()} holds). {@code N} is free. A network trained on 0-255 pixels
 *       ({@link NetworkSpec#inputScale()} 255) still takes [0, 1]: the scale is a {@code Mul} node inside.</li>
 *   <li>{@value #OUTPUT_NAME}: float {@code [N, classes]}, the softmax probabilities of each class, summing to 1;
 *       classes 0-9 are the digits 0-9, any further ones are the network's other classes.</li>
 * </ul>
 * Operator set {@value #OPSET} of the default domain (IR version {@value #IR_VERSION}). Convolutions and pooling run
 * on channels-first data as ONNX defines them: the graph transposes the input once, and transposes back before
 * flattening so that dense weights keep this library's row, column, channel order; TensorFlow's {@code same}
 * padding becomes explicit {@code pads} (the smaller half before), and average pooling leaves padding out of the
 * count, as Keras does. Dropout is left out (it only acts in training). The model's {@code metadata_props} record
 * {@code producer} (this library and its version), {@code classes}, {@code input_scale} and the input and output
 * conventions.
 *
 * <pre>{@code
 * try (DigitClassifier clf = DigitClassifiers.pretrained()) {
 *     clf.exportOnnx(Path.of("mnist.onnx"));                 // or OnnxExport.write(clf.networkWeights(), path)
 * }
 * }</pre>
 */
public final class OnnxExport {
    /** The input's name: float {@code [N, 28, 28, 1]}, pixels in [0, 1]. */
    public static final String INPUT_NAME = "image";
    /** The output's name: float {@code [N, classes]}, softmax probabilities. */
    public static final String OUTPUT_NAME = "probabilities";
    /** The ONNX operator set the model imports. */
    public static final int OPSET = 13;
    /** The ONNX IR version of the model file (the one that goes with operator set 13). */
    public static final int IR_VERSION = 7;
    /** {@code producer_name} of exported models. */
    public static final String PRODUCER = "mnist-jvm";

    private static final int[] TO_CHANNELS_FIRST = {0, 3, 1, 2};
    private static final int[] TO_CHANNELS_LAST = {0, 2, 3, 1};

    private OnnxExport() {
    }

    /**
     * Writes {@code weights} as an ONNX model file at {@code path}, atomically (a temporary file beside it, then a
     * move): a failure never leaves half a file, and leaves an existing file as it was.
     *
     * @param weights the network and its parameters
     * @param path    where to write; missing parent directories are created
     * @throws IllegalArgumentException if an argument is null
     * @throws IOException              if the file cannot be written
     */
    public static void write(NetworkWeights weights, Path path) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException("The path to write the ONNX model to is null");
        }
        byte[] bytes = toBytes(weights);
        // The move below replaces whatever is at the path: a FIFO or a device (./mnist export --onnx /dev/full, as
        // root) would become a regular file. Refuse those, a folder and a path under a file, naming the path.
        io.mnist.api.model.ModelFile.checkWritable(path);
        io.mnist.api.spi.FileWriteException.writing(path, () -> {
            Path target = path.toAbsolutePath();
            Path dir = target.getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(temp)) {
                    out.write(bytes);
                }
                io.mnist.api.internal.AtomicFiles.publish(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        });
    }

    /**
     * The ONNX model of {@code weights}, serialised (the bytes {@link #write} writes).
     *
     * @throws IllegalArgumentException if {@code weights} is null
     */
    public static byte[] toBytes(NetworkWeights weights) {
        if (weights == null) {
            throw new IllegalArgumentException("The network weights to export are null");
        }
        return new GraphWriter(weights).model().toByteArray();
    }

    /** Builds the graph layer by layer, keeping track of the current tensor's name and layout. */
    private static final class GraphWriter {
        private final NetworkWeights weights;
        private final GraphProto.Builder graph = GraphProto.newBuilder();
        private final Map<String, NetworkWeights.Tensor> tensors = new HashMap<>();
        private String current = INPUT_NAME;
        /** Whether {@link #current} is an image in channels-first order (after the first convolution or pooling). */
        private boolean channelsFirst;

        GraphWriter(NetworkWeights weights) {
            this.weights = weights;
            for (NetworkWeights.Tensor t : weights.tensors()) {
                tensors.put(t.name(), t);
            }
        }

        ModelProto model() {
            NetworkSpec spec = weights.network();
            graph.setName("mnist")
                    .setDocString("Handwritten digit classifier: " + INPUT_NAME + " float [N, 28, 28, 1] in [0, 1]"
                            + " (white digit on black) -> " + OUTPUT_NAME + " float [N, " + spec.classes()
                            + "] softmax; classes 0-9 are the digits.");
            graph.addInput(valueInfo(INPUT_NAME, -1, NetworkSpec.INPUT_SIZE, NetworkSpec.INPUT_SIZE, 1));
            if (spec.inputScale() != 1) {
                String scale = constant("input_scale", new int[0], new float[] {(float) spec.inputScale()});
                current = node("Mul", "scale_input", List.of(current, scale), List.of());
            }
            List<NetworkSpec.Layer> layers = spec.layers();
            List<int[]> shapes = spec.inputShapes();
            for (int i = 0; i < layers.size(); i++) {
                layer(i, layers.get(i), shapes.get(i));
            }
            graph.addOutput(valueInfo(OUTPUT_NAME, -1, spec.classes()));
            if (!current.equals(OUTPUT_NAME)) {
                throw new IllegalStateException("The last node writes " + current + ", not " + OUTPUT_NAME);
            }
            return ModelProto.newBuilder()
                    .setIrVersion(IR_VERSION)
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                    .setProducerName(PRODUCER)
                    .setProducerVersion(LibraryVersion.current())
                    .setDomain("io.mnist")
                    .setModelVersion(1)
                    .setDocString(graph.getDocString())
                    .setGraph(graph)
                    .addMetadataProps(entry("producer", PRODUCER + " " + LibraryVersion.current()))
                    .addMetadataProps(entry("classes", Integer.toString(spec.classes())))
                    .addMetadataProps(entry("input_scale", Double.toString(spec.inputScale())))
                    .addMetadataProps(entry("input", INPUT_NAME + ": float [N, 28, 28, 1], channels-last, pixels in"
                            + " [0, 1], white digit on black"))
                    .addMetadataProps(entry("output", OUTPUT_NAME + ": float [N, " + spec.classes() + "], softmax"
                            + " probabilities; classes 0-9 are the digits 0-9"))
                    .build();
        }

        private void layer(int i, NetworkSpec.Layer layer, int[] in) {
            String prefix = "layer" + i;
            if (layer instanceof NetworkSpec.Conv2D c) {
                toChannelsFirst();
                int h = in[0];
                int w = in[1];
                NetworkWeights.Tensor kernel = tensors.get(i + ".weight");
                String weight = constant(prefix + ".weight",
                        new int[] {c.filters(), in[2], c.kernelHeight(), c.kernelWidth()},
                        channelsFirstKernel(kernel.values(), c.kernelHeight(), c.kernelWidth(), in[2], c.filters()));
                String bias = constant(prefix + ".bias", new int[] {c.filters()}, tensors.get(i + ".bias").values());
                current = node("Conv", prefix + ".conv", List.of(current, weight, bias), List.of(
                        ints("kernel_shape", c.kernelHeight(), c.kernelWidth()),
                        ints("strides", c.strideHeight(), c.strideWidth()),
                        ints("pads", pads(c.padding(), h, w, c.kernelHeight(), c.kernelWidth(), c.strideHeight(),
                                c.strideWidth()))));
            } else if (layer instanceof NetworkSpec.MaxPool p) {
                toChannelsFirst();
                current = node("MaxPool", prefix + ".maxpool", List.of(current), List.of(
                        ints("kernel_shape", p.poolHeight(), p.poolWidth()),
                        ints("strides", p.strideHeight(), p.strideWidth()),
                        ints("pads", pads(p.padding(), in[0], in[1], p.poolHeight(), p.poolWidth(), p.strideHeight(),
                                p.strideWidth()))));
            } else if (layer instanceof NetworkSpec.AveragePool p) {
                toChannelsFirst();
                // count_include_pad 0: an edge window averages its real inputs only, TensorFlow's rule.
                current = node("AveragePool", prefix + ".avgpool", List.of(current), List.of(
                        ints("kernel_shape", p.poolHeight(), p.poolWidth()),
                        ints("strides", p.strideHeight(), p.strideWidth()),
                        ints("pads", pads(p.padding(), in[0], in[1], p.poolHeight(), p.poolWidth(), p.strideHeight(),
                                p.strideWidth())),
                        AttributeProto.newBuilder().setName("count_include_pad").setType(AttributeProto.AttributeType.INT)
                                .setI(0).build()));
            } else if (layer instanceof NetworkSpec.BatchNorm b) {
                batchNorm(i, b, in);
            } else if (layer instanceof NetworkSpec.Flatten) {
                if (in.length == 3) {
                    if (channelsFirst) {
                        // Back to row, column, channel order, which the next dense layer's weights are laid out in.
                        current = transpose(prefix + ".to_channels_last", TO_CHANNELS_LAST);
                        channelsFirst = false;
                    }
                    current = node("Flatten", prefix + ".flatten", List.of(current), List.of(
                            AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                                    .setI(1).build()));
                }
            } else if (layer instanceof NetworkSpec.Dense d) {
                String weight = constant(prefix + ".weight", new int[] {in[0], d.units()},
                        tensors.get(i + ".weight").values());
                String bias = constant(prefix + ".bias", new int[] {d.units()}, tensors.get(i + ".bias").values());
                current = node("Gemm", prefix + ".dense", List.of(current, weight, bias), List.of());
            } else if (!(layer instanceof NetworkSpec.Dropout)) {
                throw new IllegalArgumentException("No ONNX export for layer " + i + ": " + layer);
            }
            activation(prefix, layer.activation());
        }

        private void batchNorm(int i, NetworkSpec.BatchNorm b, int[] in) {
            String prefix = "layer" + i;
            int channels = in[in.length - 1];
            float[] gamma = tensors.get(i + ".gamma").values();
            float[] beta = tensors.get(i + ".beta").values();
            float[] mean = tensors.get(i + ".movingMean").values();
            float[] variance = tensors.get(i + ".movingVariance").values();
            if (in.length == 3) {
                toChannelsFirst();
                int[] shape = {channels};
                current = node("BatchNormalization", prefix + ".batchnorm", List.of(current,
                        constant(prefix + ".gamma", shape, gamma), constant(prefix + ".beta", shape, beta),
                        constant(prefix + ".moving_mean", shape, mean),
                        constant(prefix + ".moving_variance", shape, variance)), List.of(
                        AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                                .setF((float) b.epsilon()).build()));
                return;
            }
            // On a flat input the moving statistics fold into one scale and offset per unit (inference only), so
            // the graph does not depend on how runtimes treat a rank-2 BatchNormalization.
            float[] scale = new float[channels];
            float[] offset = new float[channels];
            for (int c = 0; c < channels; c++) {
                double s = gamma[c] / Math.sqrt((double) variance[c] + b.epsilon());
                scale[c] = (float) s;
                offset[c] = (float) (beta[c] - mean[c] * s);
            }
            String scaled = node("Mul", prefix + ".batchnorm_scale",
                    List.of(current, constant(prefix + ".bn_scale", new int[] {channels}, scale)), List.of());
            current = node("Add", prefix + ".batchnorm_offset",
                    List.of(scaled, constant(prefix + ".bn_offset", new int[] {channels}, offset)), List.of());
        }

        private void activation(String prefix, NetworkSpec.Activation activation) {
            switch (activation) {
                case RELU -> current = node("Relu", prefix + ".relu", List.of(current), List.of());
                case SIGMOID -> current = node("Sigmoid", prefix + ".sigmoid", List.of(current), List.of());
                case TANH -> current = node("Tanh", prefix + ".tanh", List.of(current), List.of());
                case SOFTMAX -> current = node("Softmax", prefix + ".softmax", List.of(current), List.of(
                        AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                                .setI(-1).build()), OUTPUT_NAME);
                case IDENTITY -> { }
                default -> throw new IllegalArgumentException("No ONNX export for activation " + activation);
            }
        }

        private void toChannelsFirst() {
            if (!channelsFirst) {
                current = transpose("to_channels_first", TO_CHANNELS_FIRST);
                channelsFirst = true;
            }
        }

        private String transpose(String name, int[] perm) {
            return node("Transpose", name, List.of(current), List.of(ints("perm", perm)));
        }

        private String node(String op, String name, List<String> inputs, List<AttributeProto> attributes) {
            return node(op, name, inputs, attributes, name);
        }

        private String node(String op, String name, List<String> inputs, List<AttributeProto> attributes,
                            String output) {
            graph.addNode(NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output)
                    .addAllAttribute(attributes));
            return output;
        }

        private String constant(String name, int[] shape, float[] values) {
            ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                    .setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .setRawData(com.google.protobuf.ByteString.copyFrom(raw.array()));
            for (int d : shape) {
                t.addDims(d);
            }
            graph.addInitializer(t);
            return name;
        }
    }

    /** Keras' {@code [kh][kw][in][out]} kernel as ONNX's {@code [out][in][kh][kw]}. */
    static float[] channelsFirstKernel(float[] hwio, int kh, int kw, int in, int out) {
        float[] oihw = new float[hwio.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        oihw[((o * in + i) * kh + y) * kw + x] = hwio[((y * kw + x) * in + i) * out + o];
                    }
                }
            }
        }
        return oihw;
    }

    /** ONNX's explicit {@code pads}: top, left, bottom, right. */
    private static int[] pads(NetworkSpec.Padding padding, int h, int w, int kh, int kw, int sh, int sw) {
        return new int[] {padding.padBefore(h, kh, sh), padding.padBefore(w, kw, sw), padding.padAfter(h, kh, sh),
                padding.padAfter(w, kw, sw)};
    }

    private static AttributeProto ints(String name, int... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (int v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** A float tensor's type and shape; a negative dimension is the free batch dimension {@code N}. */
    private static ValueInfoProto valueInfo(String name, int... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
