package io.mnist.api;

import io.mnist.api.data.MnistDataset;
import io.mnist.api.image.InkImage;
import io.mnist.api.image.NumberSegmenter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained digit classifier. {@code predict} and {@code predictAll} are safe to call from many threads at once.
 * A classifier holds native memory: close it, best with try-with-resources.
 *
 * <pre>{@code
 * try (DigitClassifier clf = DigitClassifiers.load(Path.of("model.mnist"))) {
 *     Prediction p = clf.predict(ImageIO.read(file));
 * }
 * }</pre>
 *
 * <p>Every method throws {@link IllegalStateException} once the classifier is closed.
 */
public interface DigitClassifier extends AutoCloseable {

    /** Classifies one preprocessed 28x28 image. */
    Prediction predict(DigitImage image);

    /** Classifies one image of any size and kind, first turned into MNIST form by {@link #preprocessor()}. */
    default Prediction predict(BufferedImage image) {
        return predict(preprocessor().preprocess(image));
    }

    /**
     * Reads a number written as several digits in one row, left to right. The image is split into digits (see
     * {@link NumberSegmenter}), each is preprocessed as MNIST digits were, and all are
     * classified in one batch.
     *
     * @throws EmptyImageException if the image holds no ink
     */
    default NumberReading readNumber(BufferedImage image) {
        InkImage ink = InkImage.of(image);
        List<NumberSegmenter.Segment> segments = NumberSegmenter.segment(ink);
        List<DigitImage> digits = segments.stream().map(s -> ink.digit(s.parts(), s.region())).toList();
        List<Prediction> predictions = predictAll(digits);
        List<NumberReading.Digit> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            out.add(new NumberReading.Digit(predictions.get(i), segments.get(i).region()));
        }
        return NumberReading.of(out);
    }

    /** Classifies many images in batches; the answers are in the order of {@code images}. */
    List<Prediction> predictAll(List<DigitImage> images);

    /** Evaluates this classifier on a labelled dataset. */
    Evaluation evaluate(MnistDataset data);

    /**
     * Saves the model file (manifest and weights) to {@code path}, atomically: a crash never leaves half a file.
     *
     * @throws IOException if it cannot be written; an existing file at {@code path} is then left as it was
     */
    void save(Path path) throws IOException;

    /**
     * The trained weights in the engine-neutral layout of {@link NetworkWeights}: what
     * {@link DigitClassifiers#convert(DigitClassifier, String)} moves to another backend.
     *
     * @throws UnsupportedOperationException if this backend's models are not networks of a {@link NetworkSpec}
     */
    NetworkWeights networkWeights();

    /** What this model is: backend, network, parameter count, training history. */
    ModelInfo info();

    /** The preprocessor used by {@link #predict(BufferedImage)}. */
    default ImagePreprocessor preprocessor() {
        return ImagePreprocessor.standard();
    }

    /** Frees the engine's memory. Idempotent. */
    @Override
    void close();
}
