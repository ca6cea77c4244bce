package io.mnist.api;

import io.mnist.api.data.MnistDataset;
import java.util.Objects;

/**
 * The images a model was trained on: which data set, and which of its images.
 *
 * @param source the data set's origin as {@link MnistDataset#source()} names it, e.g. the image file and the start
 *               of its SHA-256
 * @param from   index of the first image used (inclusive)
 * @param to     index after the last image used (exclusive)
 */
public record TrainingData(String source, int from, int to) {
    /**
     * Checks the slice.
     *
     * @throws IllegalArgumentException if {@code from} is negative or after {@code to}
     */
    public TrainingData {
        Objects.requireNonNull(source, "source");
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("Not a slice of images: [" + from + ", " + to + ")");
        }
    }

    /**
     * The training data of a model trained on {@code dataset}.
     *
     * @param dataset the training images
     * @return its source and slice
     */
    public static TrainingData of(MnistDataset dataset) {
        return new TrainingData(dataset.source(), dataset.offset(), dataset.offset() + dataset.size());
    }

    /**
     * The number of training images.
     *
     * @return {@code to - from}
     */
    public int images() {
        return to - from;
    }

    /** The source, the slice if it is not from the start, and the count, e.g. {@code "train-... , 60000 images"}. */
    @Override
    public String toString() {
        return source + (from == 0 ? "" : " [" + from + ", " + to + ")") + ", " + images() + " images";
    }
}
