package io.mnist.api;

import io.mnist.api.data.MnistDataset;

/**
 * Trains a new classifier with a fixed {@link TrainingConfig}. A trainer holds no model: each call to
 * {@link #train} builds and trains a fresh network from the config's spec and seed.
 */
public interface Trainer {

    /** The recipe this trainer follows. */
    TrainingConfig config();

    /**
     * Trains on {@code train}, validating on {@code validation} after each epoch, and reports to {@code listener}.
     *
     * <p>A {@link TrainingConfig#batchSize()} larger than {@code train} means one batch of all of it per epoch.
     *
     * @return the trained classifier; the caller closes it
     * @throws TrainingDivergedException if a batch's loss is not a finite number (the learning rate is too high);
     *                                   training stops there and no classifier is returned
     * @throws IllegalArgumentException  if {@code train} is empty
     */
    DigitClassifier train(MnistDataset train, MnistDataset validation, TrainingListener listener);

    /** Trains without reporting progress. */
    default DigitClassifier train(MnistDataset train, MnistDataset validation) {
        return train(train, validation, TrainingListener.NONE);
    }
}
