package io.mnist.api.spi;

import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistDataset;

/** A network in inference mode: pixels of a batch in, one probability per class per image out. */
@FunctionalInterface
public interface Inference {
    /** Images per batch when running over a dataset. */
    int BATCH = 256;

    /**
     * Runs one batch.
     *
     * @param pixels {@code count * 784} values in [0, 1]
     * @param count  images in the batch
     * @return {@code count * classes} probabilities
     */
    float[] probabilities(float[] pixels, int count);

    /**
     * Probabilities for every image of {@code data}, {@code classes} per image, in order, in batches of
     * {@link #BATCH}.
     */
    default float[] probabilities(MnistDataset data, int classes) {
        float[] out = new float[data.size() * classes];
        for (int start = 0; start < data.size(); start += BATCH) {
            int n = Math.min(BATCH, data.size() - start);
            float[] pixels = new float[n * DigitImage.PIXELS];
            for (int i = 0; i < n; i++) {
                data.copyPixels(start + i, pixels, i * DigitImage.PIXELS);
            }
            System.arraycopy(probabilities(pixels, n), 0, out, start * classes, n * classes);
        }
        return out;
    }
}
