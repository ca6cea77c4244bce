package io.mnist.api;

import java.util.Objects;

/**
 * How to train: the network, the optimiser and its learning rate, batch size, epochs, the random seed, augmentation
 * and the learning rate's decay. {@link #defaults()} is the seed recipe of the Keras notebook (5 epochs, batch 128,
 * RMSProp 0.001, seed network); {@link #pretrained()} is the recipe of the bundled models.
 *
 * <p>A config is immutable; {@link #toBuilder()} derives a changed copy. The same config and seed give the same
 * shuffling and initial weights on a given backend.
 *
 * <p>A {@code batchSize} larger than the training set is allowed and means one batch of the whole set per epoch:
 * the training loop never allocates for more images than the set holds (the config keeps the number asked for).
 */
public record TrainingConfig(NetworkSpec network, Optimizer optimizer, double learningRate, int batchSize,
                             int epochs, long seed, Augmentation augmentation, double learningRateDecay) {

    /** Default seed for reproducible runs. */
    public static final long DEFAULT_SEED = 42L;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if the learning rate is not a positive finite number, the decay is not in
     *                                  (0, 1], or the batch size or epochs are below 1
     * @throws NullPointerException     if the network or optimiser is null
     */
    public TrainingConfig {
        Objects.requireNonNull(network, "network");
        // Model files written before augmentation existed have none.
        augmentation = augmentation == null ? Augmentation.NONE : augmentation;
        // Files written before schedules existed have no decay either; their manifests are read as 1 (constant) by
        // the model file reader, so a 0 here is a caller's mistake (it would stop training), not a missing value.
        if (!(learningRateDecay > 0 && learningRateDecay <= 1)) {
            throw new IllegalArgumentException("learningRateDecay must be in (0, 1] (1 keeps the rate constant,"
                    + " 0.8 takes a fifth off each epoch), got " + learningRateDecay);
        }
        Objects.requireNonNull(optimizer, "optimizer");
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learningRate must be a positive number, got " + learningRate);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
    }

    /** A config without augmentation and with a constant learning rate. */
    public TrainingConfig(NetworkSpec network, Optimizer optimizer, double learningRate, int batchSize, int epochs,
                          long seed) {
        this(network, optimizer, learningRate, batchSize, epochs, seed, Augmentation.NONE, 1);
    }

    /** The seed recipe. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(NetworkSpec.seed(), Optimizer.RMSPROP, 0.001, 128, 5, DEFAULT_SEED);
    }

    /**
     * The recipe of the bundled pretrained models: the {@link NetworkSpec#compact() compact} network, Adam from
     * 0.001 decaying by 0.8 each epoch, 15 epochs of batch 128 with {@link Augmentation#standard() augmentation}.
     */
    public static TrainingConfig pretrained() {
        return new TrainingConfig(NetworkSpec.compact(), Optimizer.ADAM, 0.001, 128, 15, DEFAULT_SEED,
                Augmentation.standard(), 0.8);
    }

    /** The learning rate during {@code epoch} (from 1): {@code learningRate * learningRateDecay^(epoch - 1)}. */
    public double learningRate(int epoch) {
        return learningRate * Math.pow(learningRateDecay, epoch - 1);
    }

    /** A builder starting from the seed recipe. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Optimisers both backends offer, with Keras' semantics. */
    public enum Optimizer {
        /** RMSProp: rho 0.9, epsilon 1e-7, no momentum (Keras' defaults). */
        RMSPROP,
        /** Adam: beta1 0.9, beta2 0.999, epsilon 1e-7 (Keras' defaults). */
        ADAM
    }

    /** Builds a {@link TrainingConfig}; every setting starts at the seed recipe's value. */
    public static final class Builder {
        private NetworkSpec network;
        private Optimizer optimizer;
        private double learningRate;
        private int batchSize;
        private int epochs;
        private long seed;
        private Augmentation augmentation;
        private double learningRateDecay;

        private Builder(TrainingConfig from) {
            augmentation = from.augmentation;
            learningRateDecay = from.learningRateDecay;
            network = from.network;
            optimizer = from.optimizer;
            learningRate = from.learningRate;
            batchSize = from.batchSize;
            epochs = from.epochs;
            seed = from.seed;
        }

        public Builder network(NetworkSpec network) {
            this.network = network;
            return this;
        }

        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Random changes to training images; {@link Augmentation#NONE} by default, as in the notebook. */
        public Builder augmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** Multiplies the learning rate by {@code factor} after every epoch; 1 (constant) by default. */
        public Builder learningRateDecay(double factor) {
            this.learningRateDecay = factor;
            return this;
        }

        /** Validates and builds the config. */
        public TrainingConfig build() {
            return new TrainingConfig(network, optimizer, learningRate, batchSize, epochs, seed, augmentation,
                    learningRateDecay);
        }
    }
}
