package io.mnist.api.contract;

import io.mnist.api.EpochResult;
import io.mnist.api.ModelInfo;
import io.mnist.api.TrainingListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records training events as short strings ("start", "epoch 1/2", "batch 1/47", "end 1", "done") and values. */
public final class RecordingListener implements TrainingListener {
    public final List<String> events = Collections.synchronizedList(new ArrayList<>());
    public final List<EpochResult> epochs = new ArrayList<>();
    public final List<BatchEnd> batches = new ArrayList<>();
    public TrainingStarted started;
    public ModelInfo finished;

    @Override
    public void onTrainingStart(TrainingStarted event) {
        started = event;
        events.add("start");
    }

    @Override
    public void onEpochStart(int epoch, int epochCount, int batchCount) {
        events.add("epoch " + epoch + "/" + epochCount);
    }

    @Override
    public void onBatchEnd(BatchEnd event) {
        batches.add(event);
        events.add("batch " + event.batch() + "/" + event.batches());
    }

    @Override
    public void onEpochEnd(EpochResult result) {
        epochs.add(result);
        events.add("end " + result.epoch());
    }

    @Override
    public void onTrainingEnd(ModelInfo info) {
        finished = info;
        events.add("done");
    }
}
