package io.mnist.cli;

import io.mnist.api.EpochResult;
import io.mnist.api.ModelInfo;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingListener;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training as it runs: a progress bar per epoch with loss, images/s and ETA (on stderr), then a line per
 * epoch with the test accuracy. Without a terminal the bar is left out and the epoch lines remain.
 */
final class ProgressListener implements TrainingListener {
    private final PrintWriter out;
    private final boolean bar;
    private ProgressBar progress;

    ProgressListener(PrintWriter out, boolean bar) {
        this.out = out;
        this.bar = bar;
    }

    @Override
    public void onTrainingStart(TrainingStarted e) {
        TrainingConfig c = e.config();
        out.printf("Training on %s: %,d images per epoch, %d epoch%s of %d batches of %d, %s lr %s%s, seed %d%s;"
                        + " %,d parameters%n", e.backend(), e.trainImages(), c.epochs(), c.epochs() == 1 ? "" : "s",
                e.batchesPerEpoch(),
                c.batchSize(), c.optimizer(), c.learningRate(),
                c.learningRateDecay() == 1 ? "" : " x " + c.learningRateDecay() + " per epoch", c.seed(),
                c.augmentation().isNone() ? "" : ", augmented", e.parameterCount());
        out.flush();
    }

    @Override
    public void onEpochStart(int epoch, int epochs, int batches) {
        if (bar) {
            progress = new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d", epoch, epochs))
                    .setInitialMax(batches).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(200).setMaxRenderedLength(120).build();
        }
    }

    @Override
    public void onBatchEnd(BatchEnd e) {
        if (progress != null) {
            progress.stepTo(e.batch());
            progress.setExtraMessage(String.format("loss %.4f  %,.0f img/s", e.loss(), e.imagesPerSecond()));
        }
    }

    @Override
    public void onEpochEnd(EpochResult r) {
        if (progress != null) {
            progress.close();
            progress = null;
        }
        out.printf("epoch %d: train loss %.4f, train accuracy %.4f | test loss %.4f, test accuracy %.4f | %.1f s%n",
                r.epoch(), r.trainLoss(), r.trainAccuracy(), r.testLoss(), r.testAccuracy(), r.seconds());
        out.flush();
    }

    @Override
    public void onTrainingEnd(ModelInfo info) {
        if (progress != null) {
            progress.close();
            progress = null;
        }
    }
}
