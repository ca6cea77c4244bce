package io.mnist.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

    /** Measured with ND4J's {@code mmul} (OpenBLAS sgemm) on its default threads (one per core). */
    @Override
    public OptionalDouble matmulGflops(int size, int repetitions) {
        MatmulPeak.check(size, repetitions);
        Dl4jRuntime.check();
        try (INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
             INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
             INDArray c = Nd4j.create(DataType.FLOAT, size, size)) {
            return MatmulPeak.measure(size, repetitions, () -> a.mmul(b, c));
        }
    }

    /** ND4J's, OpenBLAS's and JavaCPP's libraries for this platform, as JavaCPP unpacks them into its cache. */
    @Override
    public java.util.List<io.mnist.api.spi.UnpackedNatives.Library> unpackedNatives() throws java.io.IOException {
        return Dl4jRuntime.natives();
    }
}
