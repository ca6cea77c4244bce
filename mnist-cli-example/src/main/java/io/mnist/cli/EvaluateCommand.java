package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.Evaluation;
import io.mnist.api.Prediction;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mnist evaluate}: accuracy, loss, confusion matrix (text and PNG), gallery of misclassified digits. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a model on the 10,000 MNIST test images.")
final class EvaluateCommand extends Subcommand {
    /** Misclassified digits shown in the gallery. */
    static final int GALLERY = 100;

    @Mixin
    OutputDir output;
    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: the backend's bundled model).")
    Path model;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        try (DigitClassifier classifier = cli.model(model)) {
            Map<String, Object> result = evaluate(classifier, model == null ? "bundled model" : model.toString(),
                    output.get(), format == Format.json ? null : out);
            if (format == Format.json) {
                Json.print(out, result);
            }
        }
        return 0;
    }

    /** Evaluates on the test set, writes confusion.png and misclassified.png, prints a report unless out is null. */
    static Map<String, Object> evaluate(DigitClassifier classifier, String source, Path dir, PrintWriter out)
            throws IOException {
        MnistDataset test = MnistData.test();
        long start = System.nanoTime();
        Evaluation ev = classifier.evaluate(test);
        double seconds = (System.nanoTime() - start) / 1e9;
        Path confusion = dir.resolve("confusion.png");
        Charts.confusion(confusion, classifier.info().backend() + " on MNIST test", ev);
        Path gallery = dir.resolve("misclassified.png");
        gallery(classifier, test, ev, gallery);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", classifier.info().backend());
        m.put("engine", classifier.info().backendVersion());
        m.put("model", source);
        m.put("images", ev.total());
        m.put("accuracy", ev.accuracy());
        m.put("loss", ev.meanLoss());
        m.put("confusion", ev.confusion());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("digit", d);
            c.put("precision", ev.precision(d));
            c.put("recall", ev.recall(d));
            c.put("f1", ev.f1(d));
            perClass.add(c);
        }
        m.put("per_class", perClass);
        m.put("misclassified", ev.misclassified().length);
        m.put("expected_calibration_error", ev.expectedCalibrationError());
        m.put("calibration", ev.calibration());
        m.put("rejection", java.util.stream.DoubleStream.of(0.5, 0.8, 0.9, 0.99).mapToObj(ev::rejecting).toList());
        m.put("seconds", seconds);
        m.put("confusion_png", confusion.toString());
        m.put("misclassified_png", gallery.toString());
        if (out != null) {
            out.printf("%s (%s), evaluated in %.1f s%n%n%s%n%nConfusion matrix: %s%nMisclassified digits: %s%n",
                    source, classifier.info().backend(), seconds, ev, confusion, gallery);
            out.flush();
        }
        return m;
    }

    private static void gallery(DigitClassifier classifier, MnistDataset test, Evaluation ev, Path file)
            throws IOException {
        int[] wrong = ev.misclassified();
        int n = Math.min(GALLERY, wrong.length);
        List<DigitImage> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(test.image(wrong[i]));
        }
        List<Prediction> predictions = classifier.predictAll(images);
        List<String> captions = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Prediction p = predictions.get(i);
            captions.add(String.format("%d→%d %.0f%%", test.label(wrong[i]), p.digit(), 100 * p.confidence()));
            colors.add(p.confidence() >= 0.9 ? new Color(180, 0, 0) : new Color(90, 90, 90));
        }
        Pictures.grid(file, String.format("%d of %d misclassified test digits: true→predicted, confidence"
                + " (red: 90%% sure or more)", n, wrong.length), images, captions, colors, 10);
    }
}
