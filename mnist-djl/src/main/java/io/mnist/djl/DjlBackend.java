package io.mnist.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.mnist.api.DigitClassifier;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.spi.BundledModel;
import io.mnist.api.spi.DigitBackend;
import io.mnist.api.spi.MatmulPeak;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalDouble;

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
        // Started before the weights are read: an engine that cannot start is not a model file that does not fit.
        DjlEngine.get();
        return DjlClassifier.load(archive);
    }

    @Override
    public DigitClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        DjlEngine.get();
        return DjlClassifier.fromWeights(info, weights);
    }

    @Override
    public Optional<InputStream> pretrainedModel() {
        return BundledModel.open(DjlBackend.class, PRETRAINED);
    }

    /** Measured with {@code NDArray.matMul} on libtorch's default intra-op threads (one per core). */
    @Override
    public OptionalDouble matmulGflops(int size, int repetitions) {
        MatmulPeak.check(size, repetitions);
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(size, size));
            NDArray b = manager.randomUniform(-1, 1, new Shape(size, size));
            return MatmulPeak.measure(size, repetitions, () -> a.matMul(b).close());
        }
    }

    /** libtorch's libraries and DJL's JNI library, as DJL unpacks them into its cache. */
    @Override
    public java.util.List<io.mnist.api.spi.UnpackedNatives.Library> unpackedNatives() throws java.io.IOException {
        return DjlEngine.natives();
    }
}
