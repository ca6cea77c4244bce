package io.mnist.cli;

import io.mnist.api.Conversion;
import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Prediction;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.spi.DigitBackend;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnist convert}: moves a trained model to another backend through the engine-neutral weights, checks that
 * both predict the same on the 10,000 test images, and saves the converted model with that check in its manifest.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a model to another backend and check both predict the same on the test set.")
final class ConvertCommand extends Subcommand {
    /** Largest probability difference accepted between a model and its conversion. */
    static final double TOLERANCE = 1e-4;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file to convert.")
    Path model;
    @Option(names = "--to", required = true, paramLabel = "NAME", description = "Backend to convert to (djl, dl4j, onnxruntime).")
    String to;
    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Model file to write.")
    Path output;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        DigitBackend target = DigitClassifiers.backend(to);
        MnistDataset test = MnistData.test();
        List<DigitImage> images = IntStream.range(0, test.size()).mapToObj(test::image).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        try (DigitClassifier source = DigitClassifiers.load(model);
             DigitClassifier converted = DigitClassifiers.convert(source, target.name())) {
            List<Prediction> before = source.predictAll(images);
            List<Prediction> after = converted.predictAll(images);
            double worst = Prediction.largestDifference(before, after);
            double sourceAccuracy = accuracy(before, test);
            double targetAccuracy = accuracy(after, test);
            requireSamePredictions(worst);
            Conversion.Check check = new Conversion.Check(test.size(), sourceAccuracy, targetAccuracy, worst);
            NetworkWeights weights = source.networkWeights();
            ModelInfo info = source.info().convertedTo(target.name(), target.engineVersion(),
                    converted.info().parameterCount(), check).withTestAccuracy(targetAccuracy);
            if (output.toAbsolutePath().getParent() != null) {
                Files.createDirectories(output.toAbsolutePath().getParent());
            }
            try (DigitClassifier saved = target.fromWeights(info, weights)) {
                saved.save(output);
            }
            m.put("from", source.info().backend());
            m.put("to", target.name());
            m.put("model", output.toString());
            m.put("source_accuracy", sourceAccuracy);
            m.put("accuracy", targetAccuracy);
            m.put("largest_probability_difference", worst);
            m.put("converted_from", info.convertedFrom().toString());
        }
        if (format == Format.json) {
            Json.print(out, m);
        } else {
            out.printf(Locale.ROOT, "Converted %s (%s, accuracy %.4f) to %s: accuracy %.4f, largest probability"
                    + " difference %.2e over %d test images.%nModel: %s%n", model, m.get("from"),
                    m.get("source_accuracy"), to, m.get("accuracy"), m.get("largest_probability_difference"),
                    test.size(), output);
            out.flush();
        }
        return 0;
    }

    /**
     * Passes only if {@code worst} is a number no larger than {@link #TOLERANCE}: a NaN difference (a model that
     * answers NaN) fails, where {@code worst > TOLERANCE} would have let it through.
     */
    static void requireSamePredictions(double worst) {
        if (!(worst <= TOLERANCE)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "The converted model's probabilities"
                    + " differ by up to %.2e from the original's on the test set (allowed %.0e); nothing was"
                    + " written.", worst, TOLERANCE));
        }
    }

    private static double accuracy(List<Prediction> predictions, MnistDataset data) {
        int right = 0;
        for (int i = 0; i < predictions.size(); i++) {
            right += predictions.get(i).digit() == data.label(i) ? 1 : 0;
        }
        return (double) right / predictions.size();
    }
}
