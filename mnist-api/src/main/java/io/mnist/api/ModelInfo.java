package io.mnist.api;

import java.util.List;
import java.util.Objects;

/**
 * What a trained model is: which backend made it, the network, how it was trained and how it scored.
 *
 * @param backend        the backend's name, e.g. {@code djl}
 * @param backendVersion the backend's engine version, as the backend reports it
 * @param network        the network
 * @param parameterCount trainable parameters, as the engine counts them
 * @param training       the recipe it was trained with
 * @param history        one entry per trained epoch (empty if unknown)
 * @param testAccuracy   accuracy on the validation set after the last epoch, or {@code null} if not measured
 * @param trainingData   where the training images came from (file, digest, slice), or {@code null} if unknown
 */
public record ModelInfo(String backend, String backendVersion, NetworkSpec network, long parameterCount,
                        TrainingConfig training, List<EpochResult> history, Double testAccuracy,
                        String trainingData) {
    public ModelInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(backendVersion, "backendVersion");
        Objects.requireNonNull(network, "network");
        history = history == null ? List.of() : List.copyOf(history);
    }
}
