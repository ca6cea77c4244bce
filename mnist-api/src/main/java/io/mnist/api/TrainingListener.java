package io.mnist.api;

/**
 * Receives progress while a {@link Trainer} runs. Every backend reports the same events in the same order:
 * {@code onTrainingStart}, then per epoch {@code onEpochStart}, {@code onBatchEnd} for each batch, and
 * {@code onEpochEnd}; finally {@code onTrainingEnd}. Methods are called on the training thread; keep them quick.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() { };

    /** Training is about to start. */
    default void onTrainingStart(TrainingStarted event) {
    }

    /** An epoch starts; {@code epoch} is 1-based. */
    default void onEpochStart(int epoch, int epochs, int batches) {
    }

    /** One batch was trained. */
    default void onBatchEnd(BatchEnd event) {
    }

    /** An epoch ended and was validated. */
    default void onEpochEnd(EpochResult result) {
    }

    /** Training finished. */
    default void onTrainingEnd(ModelInfo info) {
    }

    /**
     * Announces a run.
     *
     * @param backend         the backend's name
     * @param config          the recipe
     * @param trainImages     images per epoch
     * @param validationImages images validated after each epoch
     * @param batchesPerEpoch batches per epoch
     * @param parameterCount  trainable parameters of the built network, as the engine counts them
     */
    record TrainingStarted(String backend, TrainingConfig config, int trainImages, int validationImages,
                           int batchesPerEpoch, long parameterCount) {
    }

    /**
     * One trained batch.
     *
     * @param epoch           1-based epoch
     * @param batch           1-based batch within the epoch
     * @param batches         batches in the epoch
     * @param batchSize       images in this batch (the last one may be smaller)
     * @param loss            mean loss of the batch
     * @param imagesPerSecond images per second since the epoch started
     */
    record BatchEnd(int epoch, int batch, int batches, int batchSize, double loss, double imagesPerSecond) {
    }
}
