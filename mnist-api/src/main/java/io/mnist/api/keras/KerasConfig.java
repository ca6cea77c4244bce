package io.mnist.api.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keras model config (the {@code model_config} attribute of a legacy {@code .h5} file, the {@code config.json} of a
 * {@code .keras} archive) read as a single chain of layers: a {@code Sequential} model, or a functional one
 * ({@code Functional}, Keras 2's {@code Model}) in which every layer takes the output of exactly one other.
 */
final class KerasConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasConfig() {
    }

    /**
     * The layers of {@code json}, input first.
     *
     * @param json   the config text
     * @param source the file, for messages
     * @return the chain, with the model's own {@code build_input_shape} (or a missing node) as a fallback input shape
     */
    static Chain parse(String json, String source) throws KerasImportException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new KerasImportException(source + " has a damaged model config (not JSON: "
                    + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new KerasImportException(source + " has a damaged model config: not a JSON object");
        }
        String className = root.path("class_name").asText("");
        JsonNode config = root.path("config");
        return switch (className) {
            case "Sequential" -> sequential(config, source);
            case "Functional", "Model" -> functional(config, source);
            case "" -> throw new KerasImportException(source + " has a damaged model config: it names no model class");
            default -> throw new UnsupportedKerasModelException(source + ": a model of class '" + className
                    + "' (a subclassed model) cannot be imported: its architecture is Python code, not config."
                    + " Only Sequential models and functional models that are a single chain of layers are supported.");
        };
    }

    /** The chain of layers and, for Keras 2 Sequential models built without an input layer, the built input shape. */
    record Chain(List<KerasLayer> layers, JsonNode buildInputShape) {
    }

    private static Chain sequential(JsonNode config, String source) throws KerasImportException {
        // Keras 2.0-2.1 wrote a Sequential config as the bare list of layers.
        JsonNode layers = config.isArray() ? config : config.path("layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw new KerasImportException(source + " has a damaged model config: a Sequential model without layers");
        }
        List<KerasLayer> out = new ArrayList<>();
        for (JsonNode layer : layers) {
            out.add(layer(layer, source));
        }
        return new Chain(out, config.isArray() ? MissingNode.getInstance() : config.path("build_input_shape"));
    }

    private static Chain functional(JsonNode config, String source) throws KerasImportException {
        JsonNode layers = config.path("layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw new KerasImportException(source + " has a damaged model config: a functional model without layers");
        }
        Map<String, KerasLayer> byName = new LinkedHashMap<>();
        Map<String, String> inbound = new HashMap<>();
        Map<String, String> consumer = new HashMap<>();
        for (JsonNode node : layers) {
            KerasLayer layer = layer(node, source);
            String name = node.path("name").asText(layer.name());
            byName.put(name, layer);
            List<String> from = new ArrayList<>();
            JsonNode nodes = node.path("inbound_nodes");
            if (nodes.size() > 1) {
                throw new UnsupportedKerasModelException(source + ": " + layer.describe() + " is called "
                        + nodes.size() + " times (shared layer); only a single chain of layers can be imported");
            }
            for (JsonNode call : nodes) {
                collectInbound(call, from);
            }
            if (from.size() > 1) {
                throw new UnsupportedKerasModelException(source + ": " + layer.describe() + " takes " + from.size()
                        + " inputs (" + String.join(", ", from) + "); only a single chain of layers can be imported");
            }
            if (from.size() == 1) {
                inbound.put(name, from.get(0));
                String previous = consumer.put(from.get(0), name);
                if (previous != null) {
                    throw new UnsupportedKerasModelException(source + ": layer '" + from.get(0) + "' feeds both '"
                            + previous + "' and '" + name + "' (a branch); only a single chain of layers can be"
                            + " imported");
                }
            }
        }
        List<String> inputs = names(config.path("input_layers"));
        List<String> outputs = names(config.path("output_layers"));
        if (inputs.size() != 1 || outputs.size() != 1) {
            throw new UnsupportedKerasModelException(source + ": the model has " + inputs.size() + " inputs and "
                    + outputs.size() + " outputs; only one of each can be imported");
        }
        List<KerasLayer> chain = new ArrayList<>();
        String at = inputs.get(0);
        while (at != null) {
            KerasLayer layer = byName.get(at);
            if (layer == null) {
                throw new KerasImportException(source + " has a damaged model config: it refers to a layer '" + at
                        + "' that it does not define");
            }
            if (chain.size() > byName.size()) {
                throw new KerasImportException(source + " has a damaged model config: its layers form a cycle");
            }
            chain.add(layer);
            if (at.equals(outputs.get(0))) {
                break;
            }
            at = consumer.get(at);
        }
        if (at == null) {
            throw new KerasImportException(source + " has a damaged model config: the output layer '" + outputs.get(0)
                    + "' cannot be reached from the input");
        }
        if (chain.size() != byName.size()) {
            List<String> unused = new ArrayList<>(byName.keySet());
            chain.forEach(l -> unused.remove(l.name()));
            throw new UnsupportedKerasModelException(source + ": layers " + unused + " are not on the path from the"
                    + " input to the output; only a single chain of layers can be imported");
        }
        return new Chain(chain, MissingNode.getInstance());
    }

    /** Inbound layer names of one call: Keras 2 lists {@code [name, node, tensor, kwargs]}, Keras 3 keras_history. */
    private static void collectInbound(JsonNode node, List<String> into) {
        if (node.isObject()) {
            JsonNode history = node.path("config").path("keras_history");
            if ("__keras_tensor__".equals(node.path("class_name").asText()) && history.isArray()) {
                into.add(history.path(0).asText());
                return;
            }
            for (JsonNode child : node) {
                collectInbound(child, into);
            }
        } else if (node.isArray()) {
            if (node.size() >= 3 && node.get(0).isTextual() && node.get(1).isInt()) {
                into.add(node.get(0).asText());
                return;
            }
            for (JsonNode child : node) {
                collectInbound(child, into);
            }
        }
    }

    /** {@code [["input_1", 0, 0]]} (Keras 2 and 3) or {@code ["input_1", 0, 0]} (Keras 3, one tensor). */
    private static List<String> names(JsonNode refs) {
        List<String> out = new ArrayList<>();
        if (refs.isArray() && !refs.isEmpty() && refs.get(0).isTextual()) {
            out.add(refs.get(0).asText());
        } else if (refs.isArray()) {
            for (JsonNode ref : refs) {
                out.add(ref.path(0).asText());
            }
        }
        return out;
    }

    private static KerasLayer layer(JsonNode node, String source) throws KerasImportException {
        String className = node.path("class_name").asText("");
        JsonNode config = node.path("config");
        if (className.isEmpty() || !config.isObject()) {
            throw new KerasImportException(source + " has a damaged model config: a layer without class_name or"
                    + " config: " + abbreviate(node.toString()));
        }
        String name = config.path("name").asText(node.path("name").asText(className));
        return new KerasLayer(name, className, config);
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
