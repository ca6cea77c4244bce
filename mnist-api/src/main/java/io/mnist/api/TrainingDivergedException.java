package io.mnist.api;

import java.util.Locale;

/**
 * Training stopped because a batch's loss was not a finite number: the network diverged, almost always because the
 * learning rate is too high for it. Nothing was returned, so nothing can be saved; the message names the epoch and
 * batch and says what to change.
 *
 * <p>It is an {@link IllegalArgumentException}: the recipe, not the program, is at fault.
 */
public class TrainingDivergedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;
    private final double loss;

    /**
     * @param epoch        the epoch, from 1
     * @param batch        the batch within the epoch, from 1
     * @param batches      batches per epoch
     * @param loss         the batch's loss (NaN or infinite)
     * @param learningRate the learning rate of that epoch
     */
    public TrainingDivergedException(int epoch, int batch, int batches, double loss, double learningRate) {
        super(String.format(Locale.ROOT, "Training diverged in epoch %d, batch %d of %d: the batch loss is %s."
                        + " The learning rate %s is too high for this network; train again with a lower one (the"
                        + " recipes use 0.001; on the command line, --lr). Nothing was saved.",
                epoch, batch, batches, loss, learningRate));
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
    }

    /** The epoch in which the loss stopped being finite, from 1. */
    public int epoch() {
        return epoch;
    }

    /** The batch of that epoch whose loss was not finite, from 1. */
    public int batch() {
        return batch;
    }

    /** That batch's loss: NaN or infinite. */
    public double loss() {
        return loss;
    }
}
