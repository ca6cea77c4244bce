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
 * @param convertedFrom  if the weights were trained on another backend and converted: that backend, its version
 *                       and what was measured on both; {@code null} if trained on this backend
 */
public record ModelInfo(String backend, String backendVersion, NetworkSpec network, long parameterCount,
                        TrainingConfig training, List<EpochResult> history, Double testAccuracy,
                        String trainingData, String convertedFrom) {
    public ModelInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(backendVersion, "backendVersion");
        Objects.requireNonNull(network, "network");
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A model trained on {@code backend} itself. */
    public ModelInfo(String backend, String backendVersion, NetworkSpec network, long parameterCount,
                     TrainingConfig training, List<EpochResult> history, Double testAccuracy, String trainingData) {
        this(backend, backendVersion, network, parameterCount, training, history, testAccuracy, trainingData, null);
    }

    /**
     * This model as converted to another backend: the training record stays, the backend changes, and
     * {@code convertedFrom} says where the weights were trained.
     */
    public ModelInfo convertedTo(String toBackend, String toBackendVersion, long toParameterCount, String note) {
        String from = backend + " (" + backendVersion + ")" + (note == null || note.isBlank() ? "" : "; " + note);
        return new ModelInfo(toBackend, toBackendVersion, network, toParameterCount, training, history, testAccuracy,
                trainingData, convertedFrom == null ? from : from + "; before that " + convertedFrom);
    }

    /** This model info with {@code accuracy} as its test accuracy, e.g. measured again after a conversion. */
    public ModelInfo withTestAccuracy(Double accuracy) {
        return new ModelInfo(backend, backendVersion, network, parameterCount, training, history, accuracy,
                trainingData, convertedFrom);
    }
}
