package io.mnist.api.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.mnist.api.NetworkSpec;
import io.mnist.api.model.ModelLimits;
import io.mnist.api.NetworkSpec.Activation;
import io.mnist.api.NetworkSpec.Layer;
import io.mnist.api.NetworkSpec.Padding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Maps a chain of Keras layers onto {@link NetworkSpec} layers, refusing what the spec cannot express with a message
 * that names the layer, the option and its value. Nothing is guessed: an option that changes what a layer computes
 * at inference is either mapped exactly or refused.
 *
 * <p>Input: Keras' {@code (28, 28, 1)}, {@code (28, 28)} and {@code (784,)} hold the same 784 values in the same
 * order as the spec's 28x28x1 input; the flat ones become a leading {@code Flatten}. A {@code Reshape} and a
 * {@code Rescaling} are allowed before the first layer with weights: the reshape changes no value, and the rescaling
 * folds into the spec's input scale.
 */
final class KerasLayerMapping {
    /** Networks larger than this are refused before any weight is read (256 MB of floats). */
    static final long MAX_PARAMETERS = 64L << 20;

    private final String source;
    private final List<Layer> layers = new ArrayList<>();
    /** For each spec layer with parameters, the Keras layer whose weights it takes. */
    private final List<WeightRef> weights = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** The Keras tensor's shape without the batch axis; null before the input is known. */
    private int[] shape;
    private double rescale = 1;

    private KerasLayerMapping(String source) {
        this.source = source;
    }

    /**
     * Where a spec layer's tensors are in the file.
     *
     * @param layer     the Keras layer
     * @param specIndex the spec layer's index
     * @param parts     the Keras variable names in the order Keras stores them ({@code kernel}, {@code bias},
     *                  {@code gamma}, ...); a part the Keras layer lacks (no bias, no centre) is absent here
     */
    record WeightRef(KerasLayer layer, int specIndex, List<String> parts) {
    }

    /**
     * The network that {@code chain} computes.
     *
     * @param chain  the Keras layers, input first
     * @param source the file, for messages
     */
    static Mapped map(KerasConfig.Chain chain, String source) throws UnsupportedKerasModelException {
        KerasLayerMapping m = new KerasLayerMapping(source);
        List<KerasLayer> list = chain.layers();
        for (int i = 0; i < list.size(); i++) {
            KerasLayer layer = list.get(i);
            if (m.shape == null) {
                m.input(layer, i == 0 ? chain.buildInputShape() : null);
            }
            if (i > 0 && layer.className().equals("InputLayer")) {
                throw m.unsupported(layer, "an InputLayer after other layers");
            }
            m.add(layer);
        }
        return m.finish(list.get(list.size() - 1));
    }

    /**
     * What the mapping produced.
     *
     * @param layers  the spec's layers
     * @param weights where each layer with parameters finds them
     * @param rescale the product of leading {@code Rescaling} factors (1 if none)
     * @param notes   one line per Keras layer: what it became
     */
    record Mapped(List<Layer> layers, List<WeightRef> weights, double rescale, List<String> notes) {
    }

    private void input(KerasLayer first, JsonNode buildInputShape) throws UnsupportedKerasModelException {
        JsonNode declared = first.config().path("batch_shape");
        if (declared.isMissingNode() || declared.isNull()) {
            declared = first.config().path("batch_input_shape");
        }
        if ((declared.isMissingNode() || declared.isNull()) && buildInputShape != null) {
            declared = buildInputShape;
        }
        if (declared.isMissingNode() || declared.isNull()) {
            throw unsupported(first, "the model does not record its input shape (no InputLayer, no batch_input_shape);"
                    + " build or save it with an Input((28, 28, 1)) layer");
        }
        if (!declared.isArray() || declared.size() < 2) {
            throw unsupported(first, "input shape " + declared + " is not a batch shape");
        }
        int[] s = new int[declared.size() - 1];
        for (int i = 1; i < declared.size(); i++) {
            JsonNode d = declared.get(i);
            s[i - 1] = d.isInt() ? d.asInt() : -1;
        }
        if (!(Arrays.equals(s, new int[] {28, 28, 1}) || Arrays.equals(s, new int[] {28, 28})
                || Arrays.equals(s, new int[] {784}))) {
            throw new UnsupportedKerasModelException(source + ": the input shape " + shapeText(s) + " is not"
                    + " supported: only (28, 28, 1), (28, 28) and (784,) (one 28x28 grey image, channels last)");
        }
        shape = s;
        notes.add("input " + shapeText(s));
    }

    private void add(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode c = layer.config();
        switch (layer.className()) {
            case "InputLayer" -> {
                JsonNode sparse = c.path("sparse");
                if (sparse.asBoolean(false)) {
                    throw unsupported(layer, "option sparse=true");
                }
            }
            case "Reshape" -> reshape(layer);
            case "Rescaling" -> rescaling(layer);
            case "Conv2D", "Convolution2D" -> conv(layer);
            case "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D" -> pool(layer);
            case "BatchNormalization" -> batchNorm(layer);
            case "Dense" -> dense(layer);
            case "Dropout" -> {
                double rate = c.path("rate").asDouble(Double.NaN);
                if (!(rate >= 0 && rate < 1)) {
                    throw unsupported(layer, "option rate=" + c.path("rate"));
                }
                emitPlain(new NetworkSpec.Dropout(rate));
                note(layer, "Dropout " + rate);
            }
            case "Flatten" -> {
                channelsLast(layer);
                emitPlain(new NetworkSpec.Flatten());
                shape = new int[] {size(shape)};
                note(layer, "Flatten");
            }
            case "Activation" -> fold(layer, activation(layer, c.path("activation")));
            case "ReLU" -> {
                requireDefault(layer, "max_value", null);
                requireDefault(layer, "negative_slope", 0.0);
                requireDefault(layer, "threshold", 0.0);
                fold(layer, Activation.RELU);
            }
            case "Softmax" -> {
                JsonNode axis = c.path("axis");
                if (!axis.isMissingNode() && !(axis.isInt() && axis.asInt() == -1)) {
                    throw unsupported(layer, "option axis=" + axis + " (only -1, the classes)");
                }
                fold(layer, Activation.SOFTMAX);
            }
            case "Sequential", "Functional", "Model" -> throw unsupported(layer,
                    "a model nested in the model; save the inner model's layers in one Sequential model");
            default -> throw new UnsupportedKerasModelException(source + ": " + layer.describe() + " is not"
                    + " supported. Supported: InputLayer, Reshape and Rescaling at the input, Conv2D, MaxPooling2D,"
                    + " AveragePooling2D, BatchNormalization, Dense, Dropout, Flatten, Activation, ReLU, Softmax.");
        }
    }

    private void reshape(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode target = layer.config().path("target_shape");
        if (!layers.isEmpty() || !target.isArray()) {
            throw unsupported(layer, "target_shape=" + target + (layers.isEmpty() ? "" : " after other layers")
                    + "; only a Reshape of the input to (28, 28, 1), (28, 28) or (784,) is supported");
        }
        int[] t = new int[target.size()];
        int unknown = -1;
        for (int i = 0; i < t.length; i++) {
            t[i] = target.get(i).asInt(0);
            if (t[i] == -1 && unknown < 0) {
                unknown = i;
            } else if (t[i] <= 0) {
                throw unsupported(layer, "target_shape=" + target);
            }
        }
        if (unknown >= 0) {
            int known = 1;
            for (int i = 0; i < t.length; i++) {
                known *= i == unknown ? 1 : t[i];
            }
            t[unknown] = 784 % known == 0 ? 784 / known : -1;
        }
        if (!(Arrays.equals(t, new int[] {28, 28, 1}) || Arrays.equals(t, new int[] {28, 28})
                || Arrays.equals(t, new int[] {784}))) {
            throw unsupported(layer, "target_shape=" + target + "; only a Reshape of the input to (28, 28, 1),"
                    + " (28, 28) or (784,) is supported");
        }
        shape = t;
        note(layer, "reshape to " + shapeText(t) + " (same values, same order)");
    }

    private void rescaling(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode c = layer.config();
        if (!layers.isEmpty()) {
            throw unsupported(layer, "a Rescaling after other layers; only one at the input is supported");
        }
        JsonNode scale = c.path("scale");
        JsonNode offset = c.path("offset");
        if (!scale.isNumber() || !(scale.asDouble() > 0) || !Double.isFinite(scale.asDouble())) {
            throw unsupported(layer, "option scale=" + scale + " (only one positive number)");
        }
        if (!offset.isMissingNode() && !(offset.isNumber() && offset.asDouble() == 0)) {
            throw unsupported(layer, "option offset=" + offset + " (only 0)");
        }
        rescale *= scale.asDouble();
        note(layer, "Rescaling " + scale.asDouble() + ": folded into the input scale");
    }

    private void conv(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode c = layer.config();
        requireImage(layer);
        channelsLast(layer);
        int[] dilation = pair(layer, "dilation_rate", 1);
        if (dilation[0] != 1 || dilation[1] != 1) {
            throw unsupported(layer, "option dilation_rate=" + c.path("dilation_rate") + " (only 1)");
        }
        if (c.path("groups").asInt(1) != 1) {
            throw unsupported(layer, "option groups=" + c.path("groups") + " (only 1)");
        }
        requireNoLora(layer);
        int filters = c.path("filters").asInt(0);
        int[] kernel = pair(layer, "kernel_size", 0);
        int[] strides = pair(layer, "strides", 1);
        Padding padding = padding(layer);
        Activation activation = activation(layer, c.path("activation"));
        NetworkSpec.Conv2D conv;
        try {
            conv = new NetworkSpec.Conv2D(filters, kernel[0], kernel[1], strides[0], strides[1], padding, activation);
            shape = conv.outputShape(shape);
        } catch (IllegalArgumentException e) {
            throw unsupported(layer, e.getMessage());
        }
        boolean bias = c.path("use_bias").asBoolean(true);
        emit(conv, bias ? List.of("kernel", "bias") : List.of("kernel"), layer);
        note(layer, "Conv2D " + filters + " " + kernel[0] + "x" + kernel[1] + " stride " + strides[0] + "x"
                + strides[1] + " " + padding + " " + activation + (bias ? "" : " (no bias: zero)"));
    }

    private void pool(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode c = layer.config();
        requireImage(layer);
        channelsLast(layer);
        int[] size = pair(layer, "pool_size", 2);
        int[] strides = c.path("strides").isNull() || c.path("strides").isMissingNode() ? size
                : pair(layer, "strides", 0);
        Padding padding = padding(layer);
        boolean max = layer.className().startsWith("Max");
        Layer pool;
        try {
            pool = max ? new NetworkSpec.MaxPool(size[0], size[1], strides[0], strides[1], padding)
                    : new NetworkSpec.AveragePool(size[0], size[1], strides[0], strides[1], padding);
            shape = pool.outputShape(shape);
        } catch (IllegalArgumentException e) {
            throw unsupported(layer, e.getMessage());
        }
        emitPlain(pool);
        note(layer, (max ? "MaxPool " : "AveragePool ") + size[0] + "x" + size[1] + " stride " + strides[0] + "x"
                + strides[1] + " " + padding);
    }

    private void batchNorm(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode c = layer.config();
        if (shape.length == 2) {
            throw unsupported(layer, "a BatchNormalization of a (28, 28) input (it normalises each column);"
                    + " reshape the input to (28, 28, 1) first");
        }
        JsonNode axis = c.path("axis");
        if (axis.isArray() && axis.size() == 1) {
            axis = axis.get(0);
        }
        if (!(axis.isInt() && (axis.asInt() == -1 || axis.asInt() == shape.length))) {
            throw unsupported(layer, "option axis=" + c.path("axis") + " (only -1, the channels or units)");
        }
        for (String option : List.of("renorm")) {
            if (c.path(option).asBoolean(false)) {
                throw unsupported(layer, "option " + option + "=true");
            }
        }
        double epsilon = c.path("epsilon").asDouble(1e-3);
        double momentum = c.path("momentum").asDouble(0.99);
        NetworkSpec.BatchNorm bn;
        try {
            bn = new NetworkSpec.BatchNorm(epsilon, momentum);
        } catch (IllegalArgumentException e) {
            throw unsupported(layer, e.getMessage());
        }
        alignFlat();
        boolean scale = c.path("scale").asBoolean(true);
        boolean center = c.path("center").asBoolean(true);
        List<String> parts = new ArrayList<>();
        if (scale) {
            parts.add("gamma");
        }
        if (center) {
            parts.add("beta");
        }
        parts.add("moving_mean");
        parts.add("moving_variance");
        emit(bn, parts, layer);
        note(layer, "BatchNorm epsilon " + epsilon + (scale ? "" : " (scale=false: gamma 1)")
                + (center ? "" : " (center=false: beta 0)"));
    }

    private void dense(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode c = layer.config();
        if (shape.length != 1) {
            throw unsupported(layer, "a Dense layer on a " + shapeText(shape) + " input (Keras applies it to the last"
                    + " axis only); add a Flatten layer before it");
        }
        requireNoLora(layer);
        int units = c.path("units").asInt(0);
        Activation activation = activation(layer, c.path("activation"));
        NetworkSpec.Dense dense;
        try {
            dense = new NetworkSpec.Dense(units, activation);
        } catch (IllegalArgumentException e) {
            throw unsupported(layer, e.getMessage());
        }
        alignFlat();
        boolean bias = c.path("use_bias").asBoolean(true);
        emit(dense, bias ? List.of("kernel", "bias") : List.of("kernel"), layer);
        shape = new int[] {units};
        note(layer, "Dense " + units + " " + activation + (bias ? "" : " (no bias: zero)"));
    }

    /**
     * A standalone activation joins the convolution, dense layer or batch normalisation before it (past dropout, the
     * identity at inference) if that one has none of its own. Softmax joins only a dense layer with nothing after
     * it: the spec allows it on the last layer, which must be a dense one.
     */
    private void fold(KerasLayer layer, Activation activation) throws UnsupportedKerasModelException {
        if (activation == Activation.IDENTITY) {
            note(layer, "linear activation: nothing to do");
            return;
        }
        int i = layers.size() - 1;
        while (i >= 0 && layers.get(i) instanceof NetworkSpec.Dropout) {
            i--;
        }
        Layer before = i < 0 ? null : layers.get(i);
        boolean dropoutBetween = i < layers.size() - 1;
        boolean linear = before != null && before.activation() == Activation.IDENTITY;
        if (linear && before instanceof NetworkSpec.Conv2D conv && activation != Activation.SOFTMAX) {
            layers.set(i, new NetworkSpec.Conv2D(conv.filters(), conv.kernelHeight(), conv.kernelWidth(),
                    conv.strideHeight(), conv.strideWidth(), conv.padding(), activation));
        } else if (linear && before instanceof NetworkSpec.Dense dense
                && !(activation == Activation.SOFTMAX && dropoutBetween)) {
            layers.set(i, new NetworkSpec.Dense(dense.units(), activation));
        } else if (linear && before instanceof NetworkSpec.BatchNorm bn && activation != Activation.SOFTMAX) {
            layers.set(i, new NetworkSpec.BatchNorm(bn.epsilon(), bn.momentum(), activation));
        } else {
            String after = before == null ? "the input" : before.getClass().getSimpleName()
                    + (before.activation() == Activation.IDENTITY ? "" : " with activation "
                    + before.activation().name().toLowerCase(Locale.ROOT));
            throw unsupported(layer, "activation " + activation.name().toLowerCase(Locale.ROOT) + " after " + after
                    + (activation == Activation.SOFTMAX && linear && !(before instanceof NetworkSpec.Dense)
                    ? "; softmax is supported only on the last Dense layer (the output)"
                    : "; a standalone activation is supported only right after a Conv2D, Dense or BatchNormalization"
                    + " layer with a linear activation (Dropout between is allowed), which it joins"));
        }
        note(layer, activation + ": joined to the layer before");
    }

    private Mapped finish(KerasLayer last) throws UnsupportedKerasModelException {
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof NetworkSpec.Dense d)
                || d.activation() != Activation.SOFTMAX || d.units() < NetworkSpec.DIGITS) {
            Layer end = layers.isEmpty() ? null : layers.get(layers.size() - 1);
            String hint = end instanceof NetworkSpec.Dense d && d.activation() == Activation.IDENTITY
                    ? " It outputs logits (a linear Dense layer, trained with from_logits=True): add a Softmax layer"
                    + " in Keras and save the model again." : "";
            throw new UnsupportedKerasModelException(source + ": the model ends with " + last.describe()
                    + (end == null ? "" : " (" + end + ")") + "; a digit classifier must end with a Dense layer of at"
                    + " least 10 units with softmax (units 0-9 the digits)." + hint);
        }
        return new Mapped(List.copyOf(layers), List.copyOf(weights), rescale, List.copyOf(notes));
    }

    private void emit(Layer layer, List<String> parts, KerasLayer from) throws UnsupportedKerasModelException {
        layers.add(layer);
        weights.add(new WeightRef(from, layers.size() - 1, List.copyOf(parts)));
        checkSize(from);
    }

    private void emitPlain(Layer layer) throws UnsupportedKerasModelException {
        layers.add(layer);
        checkSize(null);
    }

    /** A flat Keras tensor over the spec's 28x28x1 input (Keras input (784,)): flatten it, the order is the same. */
    private void alignFlat() throws UnsupportedKerasModelException {
        if (shape.length == 1 && currentSpecShape().length != 1) {
            emitPlain(new NetworkSpec.Flatten());
        }
    }

    private void checkSize(KerasLayer from) throws UnsupportedKerasModelException {
        // The limits a model file is loaded with: an import that saves must load again.
        ModelLimits limits = ModelLimits.defaults();
        if (layers.size() > limits.maxLayers()) {
            throw new UnsupportedKerasModelException(source + ": the network has more than " + limits.maxLayers()
                    + " layers" + (from == null ? "" : " by " + from.describe()) + ", over "
                    + "ModelLimits.maxLayers (raise it with -D" + ModelLimits.PROPERTY_PREFIX + "maxLayers=N)");
        }
        long parameters = 0;
        int[] s = {NetworkSpec.INPUT_SIZE, NetworkSpec.INPUT_SIZE, 1};
        try {
            for (Layer l : layers) {
                parameters = Math.addExact(parameters, l.parameterCount(s));
                s = l.outputShape(s);
            }
        } catch (IllegalArgumentException e) {
            throw new UnsupportedKerasModelException(source + ": " + (from == null ? "" : from.describe() + ": ")
                    + e.getMessage());
        } catch (ArithmeticException e) {
            parameters = Long.MAX_VALUE;
        }
        long max = Math.min(MAX_PARAMETERS, limits.maxParameters());
        if (parameters > max) {
            throw new UnsupportedKerasModelException(source + ": the network has " + (parameters == Long.MAX_VALUE
                    ? "more parameters than a long counts" : String.format(java.util.Locale.ROOT, "%,d parameters",
                    parameters)) + (from == null ? "" : " by " + from.describe()) + "; at most " + String.format(
                    java.util.Locale.ROOT, "%,d", max) + " are imported (ModelLimits.maxParameters; raise it with -D"
                    + ModelLimits.PROPERTY_PREFIX + "maxParameters=N)");
        }
    }

    private int[] currentSpecShape() {
        int[] s = {NetworkSpec.INPUT_SIZE, NetworkSpec.INPUT_SIZE, 1};
        for (Layer l : layers) {
            s = l.outputShape(s);
        }
        return s;
    }

    private void note(KerasLayer layer, String what) {
        notes.add(layer.name() + " (" + layer.className() + "): " + what);
    }

    private void requireImage(KerasLayer layer) throws UnsupportedKerasModelException {
        if (shape.length != 3) {
            throw unsupported(layer, "a " + layer.className() + " on a " + shapeText(shape) + " input; it needs an"
                    + " image (height, width, channels): reshape the input to (28, 28, 1) first");
        }
    }

    private void channelsLast(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode format = layer.config().path("data_format");
        if (!format.isMissingNode() && !format.isNull() && !"channels_last".equals(format.asText())) {
            throw unsupported(layer, "option data_format=" + format.asText() + " (only channels_last)");
        }
    }

    private void requireNoLora(KerasLayer layer) throws UnsupportedKerasModelException {
        JsonNode lora = layer.config().path("lora_rank");
        if (!lora.isMissingNode() && !lora.isNull()) {
            throw unsupported(layer, "option lora_rank=" + lora + " (LoRA weights are not supported)");
        }
    }

    private void requireDefault(KerasLayer layer, String option, Double expected) throws UnsupportedKerasModelException {
        JsonNode v = layer.config().path(option);
        if (v.isMissingNode() || v.isNull() && expected == null) {
            return;
        }
        if (expected == null || !v.isNumber() || v.asDouble() != expected) {
            throw unsupported(layer, "option " + option + "=" + v);
        }
    }

    private Padding padding(KerasLayer layer) throws UnsupportedKerasModelException {
        String p = layer.config().path("padding").asText("valid");
        return switch (p.toLowerCase(Locale.ROOT)) {
            case "valid" -> Padding.VALID;
            case "same" -> Padding.SAME;
            default -> throw unsupported(layer, "option padding=" + p + " (only valid and same)");
        };
    }

    private Activation activation(KerasLayer layer, JsonNode node) throws UnsupportedKerasModelException {
        String name;
        if (node.isMissingNode() || node.isNull()) {
            name = "linear";
        } else if (node.isTextual()) {
            name = node.asText();
        } else if (node.isObject() && node.path("config").isTextual()) {
            name = node.path("config").asText();
        } else if (node.isObject() && node.path("class_name").isTextual()) {
            name = node.path("class_name").asText();
        } else {
            throw unsupported(layer, "option activation=" + KerasConfig.abbreviate(node.toString()));
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "linear", "identity" -> Activation.IDENTITY;
            case "relu" -> Activation.RELU;
            case "sigmoid" -> Activation.SIGMOID;
            case "tanh" -> Activation.TANH;
            case "softmax" -> Activation.SOFTMAX;
            default -> throw unsupported(layer, "option activation=" + name
                    + " (supported: linear, relu, sigmoid, tanh, softmax)");
        };
    }

    /** An int or a pair of ints, e.g. {@code kernel_size}: 3 or [3, 3]. */
    private int[] pair(KerasLayer layer, String option, int otherwise) throws UnsupportedKerasModelException {
        JsonNode v = layer.config().path(option);
        if (v.isMissingNode() || v.isNull()) {
            if (otherwise > 0) {
                return new int[] {otherwise, otherwise};
            }
            throw unsupported(layer, "option " + option + " is missing");
        }
        if (v.isInt()) {
            return new int[] {v.asInt(), v.asInt()};
        }
        if (v.isArray() && v.size() == 2 && v.get(0).isInt() && v.get(1).isInt()) {
            return new int[] {v.get(0).asInt(), v.get(1).asInt()};
        }
        throw unsupported(layer, "option " + option + "=" + v);
    }

    private UnsupportedKerasModelException unsupported(KerasLayer layer, String what) {
        return new UnsupportedKerasModelException(source + ": " + layer.describe() + " cannot be imported: " + what);
    }

    static String shapeText(int[] s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ", ").append(s[i] < 0 ? "None" : String.valueOf(s[i]));
        }
        return b.append(s.length == 1 ? ",)" : ")").toString();
    }

    private static int size(int[] s) {
        int n = 1;
        for (int d : s) {
            n *= d;
        }
        return n;
    }
}
