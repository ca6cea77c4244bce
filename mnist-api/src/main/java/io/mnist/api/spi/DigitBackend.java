package io.mnist.api.spi;

import io.mnist.api.DigitClassifier;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A model backend, found with {@link java.util.ServiceLoader} from {@code META-INF/services/io.mnist.api.spi.DigitBackend}.
 *
 * <p>Finding a backend must be cheap: the constructor and {@link #name()} load no natives; the engine starts when
 * a trainer runs or a model loads.
 */
public interface DigitBackend {

    /** The short name users choose it by, e.g. {@code djl}; lower case, stable, stored in model files. */
    String name();

    /** The Maven coordinates to add for this backend, for messages, e.g. {@code io.mnist:mnist-djl}. */
    String artifact();

    /** The engine and its version, e.g. {@code DJL 0.36.0 / PyTorch 2.7.1}; must not start the engine. */
    String engineVersion();

    /** A trainer for {@code config}. */
    Trainer trainer(TrainingConfig config);

    /**
     * Builds a classifier from a verified model file that this backend wrote.
     *
     * @throws ModelFileException if the weights do not fit the network in the manifest
     */
    DigitClassifier load(ModelArchive archive) throws ModelFileException;

    /**
     * Builds a classifier from engine-neutral weights, e.g. those another backend exported; {@code info} describes
     * the result (this backend's name and version) and its network must be {@code weights.network()}.
     *
     * @throws IllegalArgumentException if this backend cannot build that network
     */
    DigitClassifier fromWeights(ModelInfo info, NetworkWeights weights);

    /**
     * The bundled pretrained model file, if this backend ships one; {@link BundledModel#open} reads it and checks
     * its recorded digest.
     */
    default Optional<InputStream> pretrainedModel() {
        return Optional.empty();
    }

    /**
     * Whether {@link #trainer} gives a trainer. An inference-only backend answers {@code false}, and its
     * {@code trainer} throws an {@link UnsupportedOperationException} saying how to get a model; the default backend
     * for training is never one of these.
     */
    default boolean trains() {
        return true;
    }

    /**
     * Measures how fast this backend's engine multiplies large matrices on this machine, the practical peak that
     * training and inference rates are compared with: two {@code size x size} float32 matrices of random values are
     * multiplied once untimed, then {@code repetitions} times timed, with the threads the engine uses by default,
     * and the best product counts ({@link MatmulPeak#measure} does the timing). Starts the engine. At {@code size}
     * 2048 one product is 17.2 GFLOP, about 0.1 s on two current cores.
     *
     * @param size        the matrices' order, 1 to 16,384 (a 16,384 square float32 matrix is 1 GiB)
     * @param repetitions timed products, at least 1
     * @return the best rate in GFLOP/s ({@code 2 * size^3} floating-point operations over the product's seconds),
     *         or empty if this backend does not measure it (the default)
     * @throws IllegalArgumentException if {@code size} or {@code repetitions} is out of range
     */
    default OptionalDouble matmulGflops(int size, int repetitions) {
        MatmulPeak.check(size, repetitions);
        return OptionalDouble.empty();
    }

    /**
     * The native libraries this backend's engine has unpacked into its cache, with the jar entries they came from,
     * for {@code mnist doctor} to {@linkplain UnpackedNatives#check check}; must not start the engine. Empty (the
     * default) for an engine that unpacks nothing or keeps nothing between runs.
     *
     * @throws java.io.IOException if the engine's jars cannot be read
     */
    default java.util.List<UnpackedNatives.Library> unpackedNatives() throws java.io.IOException {
        return java.util.List.of();
    }
}
