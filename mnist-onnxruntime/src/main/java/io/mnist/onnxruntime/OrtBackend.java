package io.mnist.onnxruntime;

import io.mnist.api.DigitClassifier;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.spi.BuildProperties;
import io.mnist.api.spi.BundledModel;
import io.mnist.api.spi.DigitBackend;
import java.io.InputStream;
import java.util.Optional;

/**
 * The {@code onnxruntime} backend: ONNX Runtime on CPU, inference only. Registered with
 * {@link java.util.ServiceLoader}; finding it loads no natives (ONNX Runtime starts with the first model). Its jar
 * carries the bundled model of the training backends (converted), so {@code DigitClassifiers.pretrained()} needs no
 * other engine.
 *
 * <pre>{@code
 * try (DigitClassifier trained = DigitClassifiers.load(Path.of("model.mnist"));       // djl or dl4j
 *      DigitClassifier fast = DigitClassifiers.convert(trained, "onnxruntime")) {
 *     fast.predictAll(images);
 * }
 * }</pre>
 */
public final class OrtBackend implements DigitBackend {
    /** The backend's name. */
    public static final String NAME = "onnxruntime";
    /** Where the bundled model lives on the classpath: the djl bundled model converted, same weights. */
    static final String PRETRAINED = "/io/mnist/onnxruntime/pretrained.mnist";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String artifact() {
        return "io.mnist:mnist-onnxruntime";
    }

    @Override
    public String engineVersion() {
        return "ONNX Runtime " + BuildProperties.load(OrtBackend.class, "versions.properties")
                .getProperty("onnxruntime", "unknown");
    }

    /** {@code false}: ONNX Runtime runs models, it does not train them here. */
    @Override
    public boolean trains() {
        return false;
    }

    /**
     * Always throws: ONNX Runtime runs models, it does not train them here.
     *
     * @throws UnsupportedOperationException always, saying how to get a model instead
     */
    @Override
    public Trainer trainer(TrainingConfig config) {
        throw new UnsupportedOperationException("[mnist] The onnxruntime backend runs models but cannot train them."
                + " Train with the djl or dl4j backend (--backend djl), then run the model here:"
                + " DigitClassifiers.convert(model, \"onnxruntime\"), or ./mnist predict --backend onnxruntime"
                + " --model model.mnist. See README.md#the-onnxruntime-backend");
    }

    @Override
    public DigitClassifier load(ModelArchive archive) throws ModelFileException {
        return OrtClassifier.load(archive);
    }

    @Override
    public DigitClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        return OrtClassifier.fromWeights(info, weights);
    }

    /**
     * The djl backend's bundled model converted here ({@code scripts/pretrained}), same weights: loading it needs
     * only ONNX Runtime, not the engine that trained it (start about 1 s sooner, about 100 MB less resident memory
     * than converting at run time, BENCHMARKS.md).
     */
    @Override
    public Optional<InputStream> pretrainedModel() {
        return BundledModel.open(OrtBackend.class, PRETRAINED);
    }
}
