package io.mnist.api.internal;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.mnist.api.Conversion;
import io.mnist.api.NetworkSpec;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingData;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How model manifests map to JSON. The API's types carry no Jackson annotations (Jackson is an implementation
 * detail of the model file, not part of the API), so the mapping lives here as mix-ins and deserializers. Not
 * exported from the module; public only for the contract kit's tests, which edit manifests.
 *
 * <p>Files of format version 1 recorded the training data and a conversion as sentences; they are read into the
 * typed records here, so the models bundled before version 2 still load with their provenance.
 */
public final class ManifestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(NetworkSpec.class, NetworkSpecMixIn.class)
            .addMixIn(io.mnist.api.ModelInfo.class, ModelInfoMixIn.class)
            .addMixIn(NetworkSpec.Layer.class, LayerMixIn.class)
            .registerModule(new SimpleModule("mnist-manifest")
                    .addDeserializer(NetworkSpec.class, new NetworkSpecDeserializer())
                    .addDeserializer(TrainingData.class, new TrainingDataDeserializer())
                    .addDeserializer(Conversion.class, new ConversionDeserializer())
                    .setDeserializerModifier(new MissingDecayIsConstant()));

    private ManifestJson() {
    }

    /**
     * The mapper for manifests and the records in them; configured once, thread-safe.
     *
     * @return the shared mapper
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Derived numbers are not part of the file. */
    abstract static class NetworkSpecMixIn {
        @JsonIgnore
        abstract long parameterCount();

        @JsonIgnore
        abstract long multiplyAddsPerImage();

        @JsonIgnore
        abstract int classes();

        @JsonIgnore
        abstract java.util.List<int[]> inputShapes();
    }

    /** The not-a-digit detector has an entry of its own (binary, about 660 kB), not a place in the manifest. */
    abstract static class ModelInfoMixIn {
        @JsonIgnore
        abstract io.mnist.api.ood.NotADigitDetector notADigitDetector();
    }

    /** A layer is written with its kind as {@code "type"}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = NetworkSpec.Conv2D.class, name = "conv2d"),
            @JsonSubTypes.Type(value = NetworkSpec.MaxPool.class, name = "maxpool"),
            @JsonSubTypes.Type(value = NetworkSpec.AveragePool.class, name = "averagepool"),
            @JsonSubTypes.Type(value = NetworkSpec.BatchNorm.class, name = "batchnorm"),
            @JsonSubTypes.Type(value = NetworkSpec.Dropout.class, name = "dropout"),
            @JsonSubTypes.Type(value = NetworkSpec.Flatten.class, name = "flatten"),
            @JsonSubTypes.Type(value = NetworkSpec.Dense.class, name = "dense")})
    interface LayerMixIn {
    }

    /** {@code "train-images-idx3-ubyte (sha256 ba891046e650) [0, 6000), 6000 images"}, as version 1 wrote it. */
    private static final Pattern LEGACY_TRAINING_DATA =
            Pattern.compile("(.*?)(?: \\[(\\d+), (\\d+)\\))?, (\\d+) images");
    /** {@code "djl (DJL 0.36.0 / PyTorch 2.7.1); <check>; before that <conversion>"}, as version 1 wrote it. */
    private static final Pattern LEGACY_CONVERSION = Pattern.compile("(\\S+) \\(([^)]*)\\)(?:; (.*))?");
    private static final Pattern LEGACY_CHECK = Pattern.compile("test accuracy ([0-9.]+) there, ([0-9.]+) here;"
            + " largest probability difference on the (\\d+) test images ([0-9.eE+-]+)(?:; (.*))?");
    private static final String BEFORE_THAT = "before that ";

    static TrainingData legacyTrainingData(String text) {
        Matcher m = LEGACY_TRAINING_DATA.matcher(text);
        if (!m.matches()) {
            return new TrainingData(text, 0, 0);
        }
        int count = Integer.parseInt(m.group(4));
        return m.group(2) == null ? new TrainingData(m.group(1), 0, count)
                : new TrainingData(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    static Conversion legacyConversion(String text) {
        Matcher m = LEGACY_CONVERSION.matcher(text);
        if (!m.matches()) {
            return new Conversion(text, "", null, null);
        }
        String rest = m.group(3);
        Conversion.Check check = null;
        if (rest != null) {
            Matcher c = LEGACY_CHECK.matcher(rest);
            if (c.matches()) {
                check = new Conversion.Check(Integer.parseInt(c.group(3)), Double.parseDouble(c.group(1)),
                        Double.parseDouble(c.group(2)), Double.parseDouble(c.group(4)));
                rest = c.group(5);
            }
        }
        Conversion earlier = rest != null && rest.startsWith(BEFORE_THAT)
                ? legacyConversion(rest.substring(BEFORE_THAT.length())) : null;
        return new Conversion(m.group(1), m.group(2), check, earlier);
    }

    /**
     * Reads a network with the defaults of older files: a square {@code kernel} for a convolution, a {@code size}
     * for a max-pool (stride equal, no padding), stride 1 and no padding, no activation on a batch normalisation,
     * and an input scale of 1.
     */
    private static final class NetworkSpecDeserializer extends StdDeserializer<NetworkSpec> {
        NetworkSpecDeserializer() {
            super(NetworkSpec.class);
        }

        @Override
        public NetworkSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode n = p.readValueAsTree();
            java.util.List<NetworkSpec.Layer> layers = new java.util.ArrayList<>();
            for (JsonNode layer : n.path("layers")) {
                layers.add(layer(layer, ctxt));
            }
            try {
                return new NetworkSpec(layers, NetworkSpec.Initializer.valueOf(
                        n.path("initializer").asText(NetworkSpec.Initializer.GLOROT_UNIFORM.name())),
                        n.path("inputScale").asDouble(1));
            } catch (IllegalArgumentException e) {
                throw ctxt.weirdStringException(n.toString(), NetworkSpec.class, e.getMessage());
            }
        }

        private static NetworkSpec.Layer layer(JsonNode n, DeserializationContext ctxt) throws IOException {
            String type = n.path("type").asText("");
            try {
                return switch (type) {
                    case "conv2d" -> {
                        int kernel = n.path("kernel").asInt(0);
                        yield new NetworkSpec.Conv2D(n.path("filters").asInt(0),
                                n.path("kernelHeight").asInt(kernel), n.path("kernelWidth").asInt(kernel),
                                n.path("strideHeight").asInt(1), n.path("strideWidth").asInt(1), padding(n),
                                activation(n));
                    }
                    case "maxpool", "averagepool" -> {
                        int size = n.path("size").asInt(0);
                        int ph = n.path("poolHeight").asInt(size);
                        int pw = n.path("poolWidth").asInt(size);
                        int sh = n.path("strideHeight").asInt(ph);
                        int sw = n.path("strideWidth").asInt(pw);
                        yield type.equals("maxpool") ? new NetworkSpec.MaxPool(ph, pw, sh, sw, padding(n))
                                : new NetworkSpec.AveragePool(ph, pw, sh, sw, padding(n));
                    }
                    case "batchnorm" -> new NetworkSpec.BatchNorm(n.path("epsilon").asDouble(1e-3),
                            n.path("momentum").asDouble(0.99), activation(n));
                    case "dropout" -> new NetworkSpec.Dropout(n.path("rate").asDouble(-1));
                    case "flatten" -> new NetworkSpec.Flatten();
                    case "dense" -> new NetworkSpec.Dense(n.path("units").asInt(0), activation(n));
                    default -> throw new IllegalArgumentException("unknown layer type '" + type + "'");
                };
            } catch (IllegalArgumentException e) {
                throw ctxt.weirdStringException(n.toString(), NetworkSpec.Layer.class, e.getMessage());
            }
        }

        private static NetworkSpec.Padding padding(JsonNode n) {
            return NetworkSpec.Padding.valueOf(n.path("padding").asText("VALID"));
        }

        private static NetworkSpec.Activation activation(JsonNode n) {
            return NetworkSpec.Activation.valueOf(n.path("activation").asText("IDENTITY"));
        }
    }

    /**
     * A training config written before learning-rate schedules existed has no {@code learningRateDecay}; it trained
     * at a constant rate, so it reads as 1. (Jackson would read the missing number as 0, which the config refuses.)
     */
    private static final class MissingDecayIsConstant extends BeanDeserializerModifier {
        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                                                      JsonDeserializer<?> deserializer) {
            return description.getBeanClass() == TrainingConfig.class ? new DecayDefaulting(deserializer) : deserializer;
        }
    }

    private static final class DecayDefaulting extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        DecayDefaulting(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new DecayDefaulting(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = p.readValueAsTree();
            if (tree instanceof ObjectNode object && !object.has("learningRateDecay")) {
                object.put("learningRateDecay", 1.0);
            }
            try (JsonParser again = tree.traverse(p.getCodec())) {
                again.nextToken();
                return _delegatee.deserialize(again, ctxt);
            }
        }
    }

    private static final class TrainingDataDeserializer extends StdDeserializer<TrainingData> {
        TrainingDataDeserializer() {
            super(TrainingData.class);
        }

        @Override
        public TrainingData deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return legacyTrainingData(p.getText());
            }
            JsonNode n = p.readValueAsTree();
            return new TrainingData(n.path("source").asText(), n.path("from").asInt(), n.path("to").asInt());
        }
    }

    private static final class ConversionDeserializer extends StdDeserializer<Conversion> {
        ConversionDeserializer() {
            super(Conversion.class);
        }

        @Override
        public Conversion deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return legacyConversion(p.getText());
            }
            JsonNode n = p.readValueAsTree();
            JsonNode check = n.path("check");
            JsonNode earlier = n.path("earlier");
            return new Conversion(n.path("backend").asText(), n.path("backendVersion").asText(),
                    check.isObject() ? MAPPER.treeToValue(check, Conversion.Check.class) : null,
                    earlier.isNull() || earlier.isMissingNode() ? null : MAPPER.treeToValue(earlier, Conversion.class));
        }
    }
}
