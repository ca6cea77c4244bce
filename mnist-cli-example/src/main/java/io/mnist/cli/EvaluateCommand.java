package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.Evaluation;
import io.mnist.api.Prediction;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.image.ImageDecoder;
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
    @Option(names = "--as-images", paramLabel = "VARIANT", split = ",",
            description = "Also score the test digits written as PNG files and read back through the decoder and the"
                    + " preprocessing, as users' images are: ${COMPLETION-CANDIDATES} (comma-separated).")
    List<ImageVariant> asImages = List.of();
    @Option(names = "--limit", paramLabel = "N", description = "Only the first N test images (default: all).")
    Integer limit;
    @Option(names = "--save-images", paramLabel = "DIR", description = "With --as-images: also write the PNG files"
            + " into DIR/VARIANT/, named so that 'mnist predict --score' scores them.")
    Path saveImages;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        try (DigitClassifier classifier = cli.model(model)) {
            if (limit != null && (limit < 1 || limit > MnistData.test().size())) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--limit must be between 1 and " + MnistData.test().size() + ", not " + limit);
            }
            MnistDataset test = limit == null ? MnistData.test() : MnistData.test().first(limit);
            Map<String, Object> result = evaluate(classifier, test,
                    model == null ? "bundled model" : model.toString(), output.get(),
                    format == Format.json ? null : out);
            if (!asImages.isEmpty()) {
                result.put("as_images", asImages(classifier, test, asImages, (double) result.get("accuracy"),
                        saveImages, format == Format.json ? null : out));
            }
            if (format == Format.json) {
                Json.print(out, result);
            }
        }
        return 0;
    }

    /** Evaluates on the test set, writes confusion.png and misclassified.png, prints a report unless out is null. */
    static Map<String, Object> evaluate(DigitClassifier classifier, String source, Path dir, PrintWriter out)
            throws IOException {
        return evaluate(classifier, MnistData.test(), source, dir, out);
    }

    /** As above, on {@code test}. */
    static Map<String, Object> evaluate(DigitClassifier classifier, MnistDataset test, String source, Path dir,
                                        PrintWriter out) throws IOException {
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

    /**
     * Accuracy on each variant of the test digits written as PNG and read back as a user's file would be
     * ({@link ImageDecoder}, then {@link DigitClassifier#preprocessor()}), beside the accuracy on the tensors.
     */
    static List<Map<String, Object>> asImages(DigitClassifier classifier, MnistDataset test,
                                              List<ImageVariant> variants, double tensorAccuracy, Path save,
                                              PrintWriter out) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ImageVariant variant : variants) {
            List<DigitImage> images = new ArrayList<>(test.size());
            int failed = 0;
            Path folder = save == null ? null : save.resolve(variant.name());
            if (folder != null) {
                io.mnist.api.spi.FileWriteException.writing(folder,
                        () -> java.nio.file.Files.createDirectories(folder));
            }
            for (int i = 0; i < test.size(); i++) {
                byte[] png = variant.png(test, i);
                if (folder != null) {
                    Path file = folder.resolve(String.format(java.util.Locale.ROOT, "test%05d-label%d.png", i,
                            test.label(i)));
                    io.mnist.api.spi.FileWriteException.writing(file, () -> java.nio.file.Files.write(file, png));
                }
                try {
                    images.add(classifier.preprocessor().preprocess(ImageDecoder.decode(png)));
                } catch (IllegalArgumentException e) {
                    images.add(null);
                    failed++;
                }
            }
            List<DigitImage> usable = images.stream().filter(java.util.Objects::nonNull).toList();
            List<Prediction> predictions = classifier.predictAll(usable);
            int correct = 0;
            for (int i = 0, k = 0; i < test.size(); i++) {
                if (images.get(i) != null && predictions.get(k++).digit() == test.label(i)) {
                    correct++;
                }
            }
            double accuracy = (double) correct / test.size();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", variant.name());
            m.put("images", test.size());
            m.put("accuracy", accuracy);
            m.put("points_below_tensors", 100 * (tensorAccuracy - accuracy));
            m.put("failed", failed);
            rows.add(m);
            if (out != null) {
                out.printf(java.util.Locale.ROOT, "as images, %-9s %6.2f%% (%+.2f points against the tensors)%s%n",
                        variant.name() + ":", 100 * accuracy, 100 * (accuracy - tensorAccuracy),
                        failed > 0 ? ", " + failed + " refused" : "");
                out.flush();
            }
        }
        return rows;
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
