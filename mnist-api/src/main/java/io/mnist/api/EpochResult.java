package io.mnist.api;

/**
 * One epoch of training, as reported to {@link TrainingListener#onEpochEnd} and kept in a model's history.
 *
 * @param epoch          1-based epoch number
 * @param trainLoss      mean cross-entropy over the epoch's training batches (with dropout active)
 * @param trainAccuracy  fraction of training images classified right during the epoch
 * @param testLoss       mean cross-entropy on the validation set after the epoch
 * @param testAccuracy   accuracy on the validation set after the epoch
 * @param seconds        wall-clock seconds for the epoch's training (validation excluded)
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss,
                          double testAccuracy, double seconds) {
}
