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
}
