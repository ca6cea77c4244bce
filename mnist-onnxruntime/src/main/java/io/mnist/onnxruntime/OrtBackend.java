package io.mnist.onnxruntime;

import io.mnist.api.DigitClassifier;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.spi.BuildProperties;
import io.mnist.api.spi.DigitBackend;

/**
 * The {@code onnxruntime} backend: ONNX Runtime on CPU, inference only. Registered with
 * {@link java.util.ServiceLoader}; finding it loads no natives (ONNX Runtime starts with the first model).
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

    /**
     * Always throws: ONNX Runtime runs models, it does not train them here.
     *
     * @throws UnsupportedOperationException always, saying how to get a model instead
     */
    @Override
    public Trainer trainer(TrainingConfig config) {
        throw new UnsupportedOperationException("The onnxruntime backend runs models but cannot train them. Train"
                + " with the djl or dl4j backend (--backend djl), then convert the model:"
                + " DigitClassifiers.convert(model, \"onnxruntime\") or ./mnist convert --to onnxruntime.");
    }

    @Override
    public DigitClassifier load(ModelArchive archive) throws ModelFileException {
        return OrtClassifier.load(archive);
    }

    @Override
    public DigitClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        return OrtClassifier.fromWeights(info, weights);
    }
}
