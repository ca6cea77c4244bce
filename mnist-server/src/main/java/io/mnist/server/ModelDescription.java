package io.mnist.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mnist.api.Conversion;
import io.mnist.api.EpochResult;
import io.mnist.api.ImportSource;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingData;
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
        // Whether answers carry ood_score and not_a_digit: the model file holds the statistics they come from.
        m.put("not_a_digit_detector", info.notADigitDetector() != null);
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
        provenance.put("training_data", trainingData(info.trainingData()));
        provenance.put("converted_from", conversion(info.convertedFrom()));
        provenance.put("imported_from", importSource(info.importedFrom()));
        m.put("provenance", provenance);
        return m;
    }

    /** The images it was trained on: {@code source}, and the slice {@code from} (inclusive) {@code to} (exclusive). */
    private static Map<String, Object> trainingData(TrainingData d) {
        return d == null ? null : object("source", d.source(), "from", d.from(), "to", d.to());
    }

    /** The backend the weights were trained on, what was measured when they moved, and the move before that. */
    private static Map<String, Object> conversion(Conversion c) {
        if (c == null) {
            return null;
        }
        Conversion.Check check = c.check();
        return object("backend", c.backend(), "backend_version", c.backendVersion(),
                "check", check == null ? null : object("images", check.images(), "source_accuracy",
                        check.sourceAccuracy(), "accuracy", check.accuracy(), "largest_probability_difference",
                        check.largestProbabilityDifference()),
                "earlier", conversion(c.earlier()));
    }

    /** The file an imported network was read from: format, name, the program that wrote it, digest, input scale. */
    private static Map<String, Object> importSource(ImportSource i) {
        return i == null ? null : object("format", i.format(), "file", i.file(), "producer", i.producer(),
                "sha256", i.sha256(), "input_scale", i.inputScale());
    }

    /** A JSON object from names and values, in order. */
    private static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
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
