package io.mnist.api.keras;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One layer of a Keras model's config, in the order the data flows.
 *
 * @param name      the layer's name in the model (legacy {@code .h5} files keep its weights under this name)
 * @param className its Keras class, e.g. {@code Conv2D}
 * @param config    its {@code config} object
 */
record KerasLayer(String name, String className, JsonNode config) {
    /** {@code 'conv2d' (Conv2D)}, for messages. */
    String describe() {
        return "layer '" + name + "' (" + className + ")";
    }
}
