package io.mnist.dl4j;

import io.mnist.api.DigitClassifier;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.spi.BundledModel;
import io.mnist.api.spi.DigitBackend;
import java.io.InputStream;
import java.util.Optional;

/** The {@code dl4j} backend: Deeplearning4j with ND4J's native CPU backend. Registered with {@link java.util.ServiceLoader}. */
public final class Dl4jBackend implements DigitBackend {
    /** The backend's name. */
    public static final String NAME = "dl4j";
    /** Where the bundled pretrained model lives on the classpath. */
    static final String PRETRAINED = "/io/mnist/dl4j/pretrained.mnist";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String artifact() {
        return "io.mnist:mnist-dl4j";
    }

    @Override
    public String engineVersion() {
        return Dl4jRuntime.version();
    }

    @Override
    public Trainer trainer(TrainingConfig config) {
        return new Dl4jTrainer(this, config);
    }

    @Override
    public DigitClassifier load(ModelArchive archive) throws ModelFileException {
        Dl4jRuntime.check();
        return Dl4jClassifier.load(archive);
    }

    @Override
    public DigitClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        Dl4jRuntime.check();
        return Dl4jClassifier.fromWeights(info, weights);
    }

    @Override
    public Optional<InputStream> pretrainedModel() {
        return BundledModel.open(Dl4jBackend.class, PRETRAINED);
    }
}
