package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.EmptyImageException;
import io.mnist.api.ModelInfo;
import io.mnist.api.Prediction;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.data.Sha256;
import io.mnist.api.image.ImageDecoder;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFile;
import io.mnist.api.ood.NonDigitImages;
import io.mnist.api.ood.NotADigitDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnist calibrate --model FILE}: fits the model's not-a-digit detector on the MNIST training images (subspaces
 * on the first 55,000, thresholds on the last 5,000 with the model's own predictions) and writes the model file
 * again with it, atomically; the weight entries are copied byte for byte and the manifest keeps its provenance. A
 * {@code FILE.sha256} beside the file (a bundled model's) is rewritten too. {@code --compare} measures the detector
 * against its two halves alone on the MNIST test set, on real digits ({@code --digits}) and on letters, stains and
 * scribbles drawn by {@link NonDigitImages}.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Fit a model's not-a-digit detector on the MNIST training images and write it into the model"
                + " file (the network is not changed).")
final class CalibrateCommand extends Subcommand {
    /** The seed of the non-digit images drawn for {@code --compare}. */
    static final long NON_DIGIT_SEED = 19;
    /** Non-digit images drawn per kind for {@code --compare}: 30 of each stroke letter, 8 of each font letter. */
    static final Map<NonDigitImages.Kind, Integer> NON_DIGITS = Map.of(
            NonDigitImages.Kind.STROKE_LETTER, 30 * NonDigitImages.LETTERS.length(),
            NonDigitImages.Kind.FONT_LETTER, 8 * NonDigitImages.LETTERS.length(),
            NonDigitImages.Kind.STAIN, 200,
            NonDigitImages.Kind.SCRIBBLE, 200,
            NonDigitImages.Kind.DASH, 200,
            NonDigitImages.Kind.DOT, 200);

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file to calibrate.")
    Path model;
    @Option(names = "--output", paramLabel = "FILE", description = "Write the calibrated model here (default: replace"
            + " --model).")
    Path output;
    @Option(names = "--false-reject-rate", paramLabel = "R", defaultValue = "0.01", description = "Share of held-apart"
            + " MNIST digits the threshold rejects, in (0, 0.5] (default: ${DEFAULT-VALUE}).")
    double falseRejectRate;
    @Option(names = "--components", paramLabel = "K", defaultValue = "" + NotADigitDetector.DEFAULT_COMPONENTS,
            description = "Principal components per digit, 1..200 (default: ${DEFAULT-VALUE}).")
    int components;
    @Option(names = "--dry-run", description = "Measure only; write nothing.")
    boolean dryRun;
    @Option(names = "--compare", description = "Compare the detector with max-softmax alone and the pixel residual"
            + " alone, on the MNIST test set, --digits and drawn letters, stains and scribbles.")
    boolean compare;
    @Option(names = "--digits", paramLabel = "DIR", description = "With --compare: a folder of real digit images"
            + " named with their answer ('-label7.png'); their false-reject rate is measured too.")
    Path digits;
    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training images (a quick"
            + " try; the last twelfth of them sets the thresholds).")
    Integer trainLimit;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws Exception {
        if (!(falseRejectRate > 0 && falseRejectRate <= 0.5)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--false-reject-rate must be in (0, 0.5], not " + falseRejectRate);
        }
        if (components < 1 || components > 200) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--components must be between 1 and 200, not " + components);
        }
        Path target = output == null ? model : output;
        if (!dryRun) {
            ModelFile.checkWritable(target);
        }
        ModelArchive archive = ModelFile.read(model);
        MnistDataset train = MnistData.train();
        if (trainLimit != null) {
            if (trainLimit < 120) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--train-limit must be at least 120 (ten of each digit to fit, a tenth to calibrate), not "
                                + trainLimit);
            }
            train = train.first(trainLimit);
        }
        int calibrationSize = train.size() / NotADigitDetector.CALIBRATION_SHARE;
        MnistDataset fit = train.slice(0, train.size() - calibrationSize);
        MnistDataset calibration = train.slice(train.size() - calibrationSize, train.size());
        Map<String, Object> m = new LinkedHashMap<>();
        try (DigitClassifier classifier = DigitClassifiers.load(archive)) {
            List<Prediction> calibrated = classifier.predictAll(images(calibration));
            NotADigitDetector detector = NotADigitDetector.fit(fit, calibration, calibrated, components,
                    falseRejectRate);
            NotADigitDetector.Calibration c = detector.calibration();
            MnistDataset test = MnistData.test();
            List<Prediction> tested = classifier.predictAll(images(test));
            m.put("model", model.toString());
            m.put("components", c.components());
            m.put("fit", c.fitData().toString());
            m.put("calibration", c.calibrationData().toString());
            m.put("calibration_images", calibration.size());
            m.put("target_false_reject_rate", c.targetFalseRejectRate());
            m.put("calibration_false_reject_rate", c.calibrationFalseRejectRate());
            m.put("residual_threshold", c.residualThreshold());
            m.put("confidence_threshold", c.confidenceThreshold());
            m.put("test_false_reject_rate", rate(scores(detector, pixels(test), tested, Rule.BOTH), 1));
            if (compare) {
                m.put("comparison", compare(classifier, detector, calibration, calibrated, test, tested));
            }
            if (!dryRun) {
                ModelInfo info = archive.manifest().model().withNotADigitDetector(detector);
                ModelFile.write(target, info, archive.entries(), archive.manifest().provenance());
                m.put("written", target.toString());
                Path digest = target.resolveSibling(target.getFileName() + ".sha256");
                if (Files.isRegularFile(digest)) {
                    String line = Sha256.hex(Files.readAllBytes(target)) + "  " + target.getFileName() + "\n";
                    io.mnist.api.spi.FileWriteException.writing(digest,
                            () -> Files.writeString(digest, line, StandardCharsets.US_ASCII));
                    m.put("digest_file", digest.toString());
                }
            }
        }
        if (format == Format.json) {
            Json.print(out(), m);
        } else {
            printText(m, out());
        }
        return 0;
    }

    /** Which score decides. */
    enum Rule {
        CONFIDENCE("max-softmax alone"), RESIDUAL("pixel residual alone"), BOTH("both (the detector)");

        final String label;

        Rule(String label) {
            this.label = label;
        }
    }

    /**
     * Each rule's reject rate on each set, every rule's threshold set on the same calibration digits for the same
     * false-reject rate (the detector's own for {@link Rule#BOTH}).
     */
    private Map<String, Object> compare(DigitClassifier classifier, NotADigitDetector detector,
                                        MnistDataset calibration, List<Prediction> calibrated, MnistDataset test,
                                        List<Prediction> tested) throws IOException {
        Map<String, List<float[]>> sets = new LinkedHashMap<>();
        Map<String, List<Prediction>> predictions = new LinkedHashMap<>();
        sets.put("mnist_test", pixels(test));
        predictions.put("mnist_test", tested);
        Map<String, Object> notes = new LinkedHashMap<>();
        if (digits != null) {
            List<float[]> real = new ArrayList<>();
            int skipped = 0;
            for (Path file : PredictCommand.expandPaths(List.of(digits))) {
                if (!FileNames.display(file).matches(".*-label\\d\\.[A-Za-z]+$")) {
                    continue;
                }
                try {
                    real.add(classifier.preprocessor().preprocess(ImageDecoder.read(file)).pixels());
                } catch (IOException | IllegalArgumentException e) {
                    skipped++;
                }
            }
            sets.put("real_digits", real);
            notes.put("real_digits_unreadable", skipped);
        }
        for (NonDigitImages.Kind kind : NonDigitImages.Kind.values()) {
            List<float[]> drawn = new ArrayList<>();
            int empty = 0;
            for (NonDigitImages.Sample s : NonDigitImages.generate(kind, NON_DIGITS.get(kind), NON_DIGIT_SEED)) {
                try {
                    drawn.add(classifier.preprocessor().preprocess(s.image()).pixels());
                } catch (EmptyImageException e) {
                    empty++;
                }
            }
            String singular = kind.name().toLowerCase(Locale.ROOT);
            String name = singular + (singular.endsWith("sh") ? "es" : "s");
            sets.put(name, drawn);
            if (empty > 0) {
                notes.put(name + "_refused_as_empty", empty);
            }
        }
        for (Map.Entry<String, List<float[]>> e : sets.entrySet()) {
            predictions.computeIfAbsent(e.getKey(), k -> classifier.predictAll(e.getValue().stream()
                    .map(DigitImage::of).toList()));
        }
        List<float[]> calibrationPixels = pixels(calibration);
        Map<String, Object> rules = new LinkedHashMap<>();
        for (Rule rule : Rule.values()) {
            double threshold = rule == Rule.BOTH ? 1
                    : quantile(scores(detector, calibrationPixels, calibrated, rule), 1 - falseRejectRate);
            Map<String, Object> rates = new LinkedHashMap<>();
            rates.put("calibration", rate(scores(detector, calibrationPixels, calibrated, rule), threshold));
            for (String set : sets.keySet()) {
                rates.put(set, rate(scores(detector, sets.get(set), predictions.get(set), rule), threshold));
            }
            rules.put(rule.name().toLowerCase(Locale.ROOT), rates);
        }
        Map<String, Object> sizes = new LinkedHashMap<>();
        sets.forEach((k, v) -> sizes.put(k, v.size()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", sizes);
        out.put("reject_rates", rules);
        out.put("notes", notes);
        return out;
    }

    private static double[] scores(NotADigitDetector detector, List<float[]> pixels, List<Prediction> predictions,
                                   Rule rule) {
        double[] out = new double[pixels.size()];
        for (int i = 0; i < out.length; i++) {
            Prediction p = predictions.get(i);
            out[i] = switch (rule) {
                case CONFIDENCE -> 1 - p.confidence();
                case RESIDUAL -> detector.subspaces().residual(pixels.get(i), 0, p.digit());
                case BOTH -> detector.score(pixels.get(i), 0, p);
            };
        }
        return out;
    }

    /** The empirical q-quantile, as {@link NotADigitDetector#fit} takes it. */
    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    private static double rate(double[] scores, double threshold) {
        if (scores.length == 0) {
            return Double.NaN;
        }
        int rejected = 0;
        for (double s : scores) {
            if (s > threshold) {
                rejected++;
            }
        }
        return (double) rejected / scores.length;
    }

    private static List<DigitImage> images(MnistDataset data) {
        List<DigitImage> images = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            images.add(data.image(i));
        }
        return images;
    }

    private static List<float[]> pixels(MnistDataset data) {
        List<float[]> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            float[] p = new float[DigitImage.PIXELS];
            data.copyPixels(i, p, 0);
            out.add(p);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> m, PrintWriter out) {
        out.printf(Locale.ROOT, "Not-a-digit detector for %s: %d principal components per digit fitted on %s;%n"
                        + "thresholds (residual %.3f, 1 - confidence %.3g) set on %s to reject %.2f%% of those digits"
                        + " (%.2f%% there).%nOn the 10,000 MNIST test images it rejects %.2f%%.%n",
                m.get("model"), (int) m.get("components"), m.get("fit"), (double) m.get("residual_threshold"),
                (double) m.get("confidence_threshold"), m.get("calibration"),
                100 * (double) m.get("target_false_reject_rate"),
                100 * (double) m.get("calibration_false_reject_rate"), 100 * (double) m.get("test_false_reject_rate"));
        if (m.containsKey("comparison")) {
            Map<String, Object> c = (Map<String, Object>) m.get("comparison");
            Map<String, Object> sizes = (Map<String, Object>) c.get("images");
            Map<String, Map<String, Object>> rates = (Map<String, Map<String, Object>>) c.get("reject_rates");
            List<String> columns = new ArrayList<>(rates.values().iterator().next().keySet());
            out.println();
            out.printf("%-22s", "rejected");
            for (String col : columns) {
                out.printf(" %14s", col);
            }
            out.println();
            out.printf("%-22s", "(images)");
            for (String col : columns) {
                Object n = col.equals("calibration") ? m.get("calibration_images") : sizes.get(col);
                out.printf(" %14s", n);
            }
            out.println();
            for (Rule rule : Rule.values()) {
                out.printf("%-22s", rule.label);
                for (String col : columns) {
                    out.printf(Locale.ROOT, " %13.2f%%", 100 * (double) rates.get(rule.name().toLowerCase(Locale.ROOT))
                            .get(col));
                }
                out.println();
            }
            Map<String, Object> notes = (Map<String, Object>) c.get("notes");
            notes.forEach((k, v) -> out.println("note: " + k + " = " + v));
        }
        if (m.containsKey("written")) {
            out.println("Wrote " + m.get("written") + " (weights unchanged)"
                    + (m.containsKey("digest_file") ? " and its SHA-256 to " + m.get("digest_file") : ""));
        }
        out.flush();
    }
}
