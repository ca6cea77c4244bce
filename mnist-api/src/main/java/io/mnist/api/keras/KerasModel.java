package io.mnist.api.keras;

import io.mnist.api.ImportSource;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import java.util.List;
import java.util.Objects;

/**
 * A Keras model read into the engine-neutral form: the network, its weights, and where it came from.
 *
 * @param weights the network ({@link NetworkWeights#network()}) and its parameters
 * @param source  the file, the Keras version that wrote it, its SHA-256 and the input scale the import assumed
 * @param layers  one line per Keras layer: its name and class and what it became (for reports)
 */
public record KerasModel(NetworkWeights weights, ImportSource source, List<String> layers) {
    /**
     * Checks that every part is present.
     *
     * @throws NullPointerException if a part is null
     */
    public KerasModel {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(source, "source");
        layers = List.copyOf(layers);
    }

    /** The network. */
    public NetworkSpec network() {
        return weights.network();
    }
}
