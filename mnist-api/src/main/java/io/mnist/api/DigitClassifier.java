package io.mnist.api;

import io.mnist.api.data.MnistDataset;
import io.mnist.api.image.ImageDecoder;
import io.mnist.api.image.InkImage;
import io.mnist.api.image.NumberReader;
import io.mnist.api.onnx.OnnxExport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained digit classifier. {@code predict} and {@code predictAll} are safe to call from many threads at once.
 * A classifier holds native memory: close it, best with try-with-resources.
 *
 * <pre>{@code
 * try (DigitClassifier clf = DigitClassifiers.load(Path.of("model.mnist"))) {
 *     Prediction p = clf.predict(Path.of("digit.png"));
 * }
 * }</pre>
 *
 * <p>Every method throws {@link IllegalStateException} once the classifier is closed.
 */
public interface DigitClassifier extends AutoCloseable {

    /** Classifies one preprocessed 28x28 image. */
    Prediction predict(DigitImage image);

    /**
     * Classifies one image of any size and kind, first turned into MNIST form by {@link #preprocessor()}.
     *
     * @throws IllegalArgumentException if {@code image} is null
     * @throws EmptyImageException      if the image holds no ink
     */
    default Prediction predict(BufferedImage image) {
        return predict(preprocessor().preprocess(requireImage(image)));
    }

    /**
     * Classifies the image in a file (PNG, JPEG, BMP, GIF, TIFF or WebP), read by {@link ImageDecoder} with its
     * default {@link io.mnist.api.image.ImageLimits}: upright by its EXIF orientation, refused when damaged or too
     * large.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException                       if it cannot be read
     * @throws InvalidImageException             if it is not a regular file or not a usable image, or holds no ink
     *                                           ({@link InvalidImageException#kind()} says which)
     */
    default Prediction predict(Path file) throws IOException {
        return predict(ImageDecoder.read(require(file, "file")));
    }

    /**
     * Classifies an encoded image held in memory (the bytes of a PNG, JPEG... file), decoded as
     * {@link #predict(Path)} decodes files.
     *
     * @throws InvalidImageException if the bytes are not a usable image, or it holds no ink
     */
    default Prediction predict(byte[] encoded) {
        return predict(ImageDecoder.decode(require(encoded, "encoded image")));
    }

    /**
     * Classifies the encoded image read from {@code in} to its end (the stream is not closed), decoded as
     * {@link #predict(Path)} decodes files.
     *
     * @throws IOException           if the stream fails
     * @throws InvalidImageException if the bytes are not a usable image, or it holds no ink
     */
    default Prediction predict(InputStream in) throws IOException {
        return predict(ImageDecoder.read(require(in, "input stream")));
    }

    /**
     * Reads a number written as several digits in one row, left to right. The ink is split into digits by
     * {@link NumberReader}: candidate digits are preprocessed as MNIST digits were, classified in one batch, and the
     * most probable split is read; {@link NumberReading#confidence()} accounts for the other splits.
     *
     * @throws IllegalArgumentException if {@code image} is null
     * @throws EmptyImageException      if the image holds no ink, or no digit
     */
    default NumberReading readNumber(BufferedImage image) {
        return NumberReader.read(InkImage.of(requireImage(image)), this::predictAll);
    }

    /**
     * Reads a number from the image in a file, decoded as {@link #predict(Path)} decodes files.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException                       if it cannot be read
     * @throws InvalidImageException             if it is not a regular file or not a usable image, or holds no ink
     */
    default NumberReading readNumber(Path file) throws IOException {
        return readNumber(ImageDecoder.read(require(file, "file")));
    }

    /**
     * Reads a number from an encoded image held in memory, decoded as {@link #predict(Path)} decodes files.
     *
     * @throws InvalidImageException if the bytes are not a usable image, or it holds no ink
     */
    default NumberReading readNumber(byte[] encoded) {
        return readNumber(ImageDecoder.decode(require(encoded, "encoded image")));
    }

    /** Classifies many images in batches; the answers are in the order of {@code images}. */
    List<Prediction> predictAll(List<DigitImage> images);

    /** Evaluates this classifier on a labelled dataset. */
    Evaluation evaluate(MnistDataset data);

    /**
     * Saves the model file (manifest and weights) to {@code path}, atomically: a crash never leaves half a file.
     *
     * @throws io.mnist.api.model.NonFiniteWeightsException if a weight is NaN or infinite (training diverged);
     *                                                      nothing is written
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

    /**
     * Writes this model as an ONNX file (operator set 13) that ONNX Runtime and other ONNX consumers run without this
     * library: input {@code image}, float {@code [N, 28, 28, 1]} with pixels in [0, 1] (white digit on black, as
     * {@link DigitImage#pixels()}); output {@code probabilities}, float {@code [N, classes]} softmax. See
     * {@link OnnxExport} for the details. Written atomically, from {@link #networkWeights()}.
     *
     * @param path where to write the {@code .onnx} file; missing parent directories are created
     * @throws IllegalArgumentException      if {@code path} is null
     * @throws UnsupportedOperationException if this backend's models are not networks of a {@link NetworkSpec}
     * @throws IOException                   if the file cannot be written; an existing file is then left as it was
     */
    default void exportOnnx(Path path) throws IOException {
        OnnxExport.write(networkWeights(), path);
    }

    /** What this model is: backend, network, parameter count, training history. */
    ModelInfo info();

    /**
     * Hints how many threads the engine may compute one call on. A caller that already predicts on one thread of
     * its own per core (a server's workers, Spark's tasks) passes 1, so that each call computes on its calling
     * thread alone rather than also waking the engine's thread pool for every operation, which on a machine with
     * few cores only adds threads competing for them. 0, the default, leaves batches to the engine's own thread
     * setting. Whatever the hint, batches of fewer than 8 images compute on the calling thread alone: for them the
     * engine's pool costs more than it saves (BENCHMARKS.md). Answers are the same whatever the hint; only time and
     * CPU change. The hint holds until it is set again, for every thread calling this classifier; a backend that
     * cannot follow it (onnxruntime fixes its threads when its session is built) ignores it.
     *
     * @param threads engine threads one call may compute on, at least 1; or 0 for the engine's own setting
     * @throws IllegalArgumentException if {@code threads} is negative
     */
    default void setThreadsPerCall(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("Threads per call must be at least 1, or 0 for the engine's own"
                    + " setting, got " + threads);
        }
    }

    /** The preprocessor used by {@link #predict(BufferedImage)}. */
    default ImagePreprocessor preprocessor() {
        return ImagePreprocessor.standard();
    }

    /** Frees the engine's memory. Idempotent. */
    @Override
    void close();

    private static BufferedImage requireImage(BufferedImage image) {
        return require(image, "image");
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("The " + what + " to recognise is null; pass an image (ImageIO.read"
                    + " returns null for files it cannot decode: use predict(Path) for a clear error instead)");
        }
        return value;
    }
}
