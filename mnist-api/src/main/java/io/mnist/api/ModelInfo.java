package io.mnist.api;

import io.mnist.api.ood.NotADigitDetector;
import java.util.List;
import java.util.Objects;

/**
 * What a trained or imported model is: which backend runs it, the network, how it was trained (or where it was
 * imported from) and how it scored.
 *
 * @param backend        the backend's name, e.g. {@code djl}
 * @param backendVersion the backend's engine version, as the backend reports it
 * @param network        the network
 * @param parameterCount trainable parameters, as the engine counts them
 * @param training       the recipe it was trained with
 * @param history        one entry per trained epoch (empty if unknown)
 * @param testAccuracy   accuracy on the validation set after the last epoch, or {@code null} if not measured
 * @param trainingData   which images it was trained on, or {@code null} if unknown
 * @param convertedFrom  if the weights were trained on another backend and converted: that backend, its version
 *                       and what was measured on both; {@code null} if trained on this backend
 * @param importedFrom   if the network was imported from another program's file (a Keras model): that file;
 *                       {@code null} if it was trained with this library. An imported model has no training config
 *                       ({@code training} is null) and no history.
 * @param notADigitDetector the statistics behind {@link Prediction#outOfDistributionScore()}, fitted on training
 *                       images; {@code null} if the model has none (saved before they existed, or imported: add
 *                       them with {@code mnist calibrate}). Kept in the model file's entry
 *                       {@value io.mnist.api.ood.NotADigitDetector#ENTRY}, not in its manifest.
 */
public record ModelInfo(String backend, String backendVersion, NetworkSpec network, long parameterCount,
                        TrainingConfig training, List<EpochResult> history, Double testAccuracy,
                        TrainingData trainingData, Conversion convertedFrom, ImportSource importedFrom,
                        NotADigitDetector notADigitDetector) {
    /**
     * Checks the required parts.
     *
     * @throws NullPointerException if {@code backend}, {@code backendVersion} or {@code network} is null
     */
    public ModelInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(backendVersion, "backendVersion");
        Objects.requireNonNull(network, "network");
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * A model without a not-a-digit detector.
     *
     * @param backend        the backend's name
     * @param backendVersion the backend's engine version
     * @param network        the network
     * @param parameterCount trainable parameters, as the engine counts them
     * @param training       the recipe it was trained with, or {@code null} if imported
     * @param history        one entry per trained epoch
     * @param testAccuracy   accuracy on the validation set after the last epoch, or {@code null}
     * @param trainingData   which images it was trained on, or {@code null}
     * @param convertedFrom  the backend the weights were trained on, or {@code null}
     * @param importedFrom   the file it was imported from, or {@code null}
     */
    public ModelInfo(String backend, String backendVersion, NetworkSpec network, long parameterCount,
                     TrainingConfig training, List<EpochResult> history, Double testAccuracy,
                     TrainingData trainingData, Conversion convertedFrom, ImportSource importedFrom) {
        this(backend, backendVersion, network, parameterCount, training, history, testAccuracy, trainingData,
                convertedFrom, importedFrom, null);
    }

    /**
     * A model trained on {@code backend} itself.
     *
     * @param backend        the backend's name
     * @param backendVersion the backend's engine version
     * @param network        the network
     * @param parameterCount trainable parameters, as the engine counts them
     * @param training       the recipe it was trained with
     * @param history        one entry per trained epoch
     * @param testAccuracy   accuracy on the validation set after the last epoch, or {@code null}
     * @param trainingData   which images it was trained on, or {@code null}
     */
    public ModelInfo(String backend, String backendVersion, NetworkSpec network, long parameterCount,
                     TrainingConfig training, List<EpochResult> history, Double testAccuracy,
                     TrainingData trainingData) {
        this(backend, backendVersion, network, parameterCount, training, history, testAccuracy, trainingData, null,
                null);
    }

    /**
     * A model trained with this library, possibly on another backend and converted.
     *
     * @param backend        the backend's name
     * @param backendVersion the backend's engine version
     * @param network        the network
     * @param parameterCount trainable parameters, as the engine counts them
     * @param training       the recipe it was trained with
     * @param history        one entry per trained epoch
     * @param testAccuracy   accuracy on the validation set after the last epoch, or {@code null}
     * @param trainingData   which images it was trained on, or {@code null}
     * @param convertedFrom  the backend the weights were trained on, or {@code null}
     */
    public ModelInfo(String backend, String backendVersion, NetworkSpec network, long parameterCount,
                     TrainingConfig training, List<EpochResult> history, Double testAccuracy,
                     TrainingData trainingData, Conversion convertedFrom) {
        this(backend, backendVersion, network, parameterCount, training, history, testAccuracy, trainingData,
                convertedFrom, null);
    }

    /**
     * A network imported from another program's file, to run on {@code backend}: no training config, no history.
     *
     * @param backend        the backend's name
     * @param backendVersion the backend's engine version
     * @param network        the network
     * @param source         the file it was imported from
     * @return the imported model's info; its parameter count is the network's
     */
    public static ModelInfo imported(String backend, String backendVersion, NetworkSpec network,
                                     ImportSource source) {
        return new ModelInfo(backend, backendVersion, network, network.parameterCount(), null, List.of(), null, null,
                null, Objects.requireNonNull(source, "source"));
    }

    /**
     * This model as converted to another backend: the training record stays, the backend changes, and
     * {@code convertedFrom} says where the weights were trained.
     *
     * @param toBackend        the backend the weights move to
     * @param toBackendVersion its engine version
     * @param toParameterCount trainable parameters as that engine counts them
     * @param check            what was measured on both sides, or {@code null} if the conversion was not checked
     * @return the converted model's info
     */
    public ModelInfo convertedTo(String toBackend, String toBackendVersion, long toParameterCount,
                                 Conversion.Check check) {
        return new ModelInfo(toBackend, toBackendVersion, network, toParameterCount, training, history, testAccuracy,
                trainingData, new Conversion(backend, backendVersion, check, convertedFrom), importedFrom,
                notADigitDetector);
    }

    /**
     * This model info with {@code accuracy} as its test accuracy, e.g. measured again after a conversion.
     *
     * @param accuracy the test accuracy, or {@code null}
     * @return a copy with that accuracy
     */
    public ModelInfo withTestAccuracy(Double accuracy) {
        return new ModelInfo(backend, backendVersion, network, parameterCount, training, history, accuracy,
                trainingData, convertedFrom, importedFrom, notADigitDetector);
    }

    /**
     * This model info with {@code detector} as its not-a-digit detector (the network is the same: the detector's
     * statistics come from training images, its confidence threshold from this network's predictions).
     *
     * @param detector the detector, or {@code null} for none
     * @return a copy with that detector
     */
    public ModelInfo withNotADigitDetector(NotADigitDetector detector) {
        return new ModelInfo(backend, backendVersion, network, parameterCount, training, history, testAccuracy,
                trainingData, convertedFrom, importedFrom, detector);
    }
}
