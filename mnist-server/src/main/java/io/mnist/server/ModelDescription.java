package io.mnist.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mnist.api.EpochResult;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/model}: what {@link ModelInfo} says, under names of this API's own, so that the HTTP contract
 * does not change when the library's records do.
 */
final class ModelDescription {
    private ModelDescription() {
    }

    static Map<String, Object> of(ModelInfo info, ObjectMapper json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", info.backend());
        m.put("engine", info.backendVersion());
        m.put("parameters", info.parameterCount());
        m.put("test_accuracy", info.testAccuracy());
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("name", info.network().equals(NetworkSpec.compact()) ? "compact"
                : info.network().equals(NetworkSpec.seed()) ? "seed" : "custom");
        // The layers as the model file's manifest writes them: {"type": "conv2d", "filters": 32, ...}.
        network.put("layers", info.network().layers().stream().map(l -> layer(l, json)).toList());
        m.put("network", network);
        TrainingConfig t = info.training();
        if (t != null) {
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("optimizer", t.optimizer().name().toLowerCase(Locale.ROOT));
            training.put("learning_rate", t.learningRate());
            training.put("learning_rate_decay", t.learningRateDecay());
            training.put("batch_size", t.batchSize());
            training.put("epochs", t.epochs());
            training.put("seed", t.seed());
            training.put("augmented", !t.augmentation().equals(io.mnist.api.Augmentation.NONE));
            m.put("training", training);
        }
        m.put("history", history(info.history()));
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("training_data", info.trainingData());
        provenance.put("converted_from", info.convertedFrom());
        m.put("provenance", provenance);
        return m;
    }

    /** A layer as JSON: its kind ({@code conv2d}, {@code maxpool}, {@code dropout}, {@code flatten}, {@code dense}), then its settings. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> layer(NetworkSpec.Layer l, ObjectMapper json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", l.getClass().getSimpleName().toLowerCase(Locale.ROOT));
        m.putAll(json.convertValue(l, Map.class));
        return m;
    }

    private static List<Map<String, Object>> history(List<EpochResult> epochs) {
        return epochs.stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e.epoch());
            m.put("train_loss", e.trainLoss());
            m.put("train_accuracy", e.trainAccuracy());
            m.put("test_loss", e.testLoss());
            m.put("test_accuracy", e.testAccuracy());
            m.put("seconds", e.seconds());
            return m;
        }).toList();
    }
}
