package io.mnist.djl;

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

/** The {@code djl} backend: DJL with the PyTorch engine on CPU. Registered with {@link java.util.ServiceLoader}. */
public final class DjlBackend implements DigitBackend {
    /** The backend's name. */
    public static final String NAME = "djl";
    /** Where the bundled pretrained model lives on the classpath. */
    static final String PRETRAINED = "/io/mnist/djl/pretrained.mnist";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String artifact() {
        return "io.mnist:mnist-djl";
    }

    @Override
    public String engineVersion() {
        return DjlEngine.version();
    }

    @Override
    public Trainer trainer(TrainingConfig config) {
        return new DjlTrainer(this, config);
    }

    @Override
    public DigitClassifier load(ModelArchive archive) throws ModelFileException {
        return DjlClassifier.load(archive);
    }

    @Override
    public DigitClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        return DjlClassifier.fromWeights(info, weights);
    }

    @Override
    public Optional<InputStream> pretrainedModel() {
        return BundledModel.open(DjlBackend.class, PRETRAINED);
    }
}
