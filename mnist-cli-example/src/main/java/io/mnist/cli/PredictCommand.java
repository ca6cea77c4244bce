package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.NumberReading;
import io.mnist.api.Prediction;
import io.mnist.api.image.ImageDecoder;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mnist predict PATH...}: classifies image files and folders of images. A file that cannot be read or holds
 * no digit gets an error row and a message on stderr; the others go on, and the exit code says that some failed.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Recognise the digit in each image (PNG, JPEG, BMP, GIF, TIFF, WebP); folders are read in name order.")
final class PredictCommand extends Subcommand {
    /** File name endings read from folders. */
    static final List<String> IMAGE_TYPES = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp");

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Image files or folders of images.")
    List<Path> paths;
    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: the backend's bundled model).")
    Path model;
    @Option(names = "--format", defaultValue = "text", description = "text, csv or json (default: ${DEFAULT-VALUE}).")
    Format format;
    @Option(names = "--min-confidence", paramLabel = "P", defaultValue = "0",
            description = "Mark answers less sure than P (0..1) as uncertain (default: ${DEFAULT-VALUE}).")
    double minConfidence;

    @Option(names = "--number", description = "Read each image as a number of several digits in one row.")
    boolean number;
    @Option(names = "--raw", description = "Images are already in MNIST form (28x28, light digit on black): use their"
            + " pixels as they are, without preprocessing (to check a model, e.g. an imported one, on its own inputs).")
    boolean raw;
    @Option(names = "--score", description = "Score the answers against the ones in the file names"
            + " ('-label7.png', '-number2026.png', as 'mnist testset' writes them).")
    boolean score;

    /** The answer a file name carries, as {@code mnist testset} names its files. */
    static final java.util.regex.Pattern ANSWER = java.util.regex.Pattern.compile("-(?:label|number)(\\d+)\\.[A-Za-z]+$");

    /** One answer: a digit or a number, or the reason there is none. */
    record Row(String file, Prediction prediction, NumberReading reading, String error) {
        double confidence() {
            return reading != null ? reading.confidence() : prediction.confidence();
        }

        String answer() {
            return reading != null ? reading.text() : String.valueOf(prediction.digit());
        }

        /** The out-of-distribution score (the largest of a number's digits), NaN if the model has none. */
        double outOfDistributionScore() {
            return reading != null ? reading.outOfDistributionScore() : prediction.outOfDistributionScore();
        }

        /** Whether the image (or one of a number's digits) is probably not a digit. */
        boolean notADigit() {
            return reading != null ? reading.containsNonDigit() : prediction.notADigit();
        }
    }

    /** What a text row says after the answer when the image is probably not a digit. */
    static final String NOT_A_DIGIT = "not a digit?";

    /** A score for CSV: empty when the model has none. */
    private static String score(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
    }

    @Override
    public Integer call() throws Exception {
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--min-confidence must be between 0 and 1, not " + minConfidence);
        }
        PrintWriter out = out();
        PrintWriter err = err();
        if (raw && number) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--raw reads one digit per 28x28 image; it cannot be combined with --number");
        }
        List<Row> rows;
        try (DigitClassifier classifier = cli.model(model)) {
            rows = predict(classifier, paths, number, raw, err);
        }
        Map<String, Object> scored = score ? score(rows, number) : null;
        print(rows, format, number, minConfidence, scored, out);
        if (scored != null && format == Format.csv) {
            err().println(scoreLine(scored));
        }
        return rows.stream().anyMatch(r -> r.error() != null) ? MnistCli.EXIT_PARTIAL : 0;
    }

    /** Predicts every image under {@code paths}, reporting failures on {@code err}. */
    static List<Row> predict(DigitClassifier classifier, List<Path> paths, boolean number, PrintWriter err) {
        return predict(classifier, paths, number, false, err);
    }

    /** As above; with {@code raw}, each image is taken as it is (already in MNIST form), without preprocessing. */
    static List<Row> predict(DigitClassifier classifier, List<Path> paths, boolean number, boolean raw,
                             PrintWriter err) {
        List<Row> rows = new ArrayList<>();
        for (Path path : expandPaths(paths, notice -> {
            err.println(notice);
            err.flush();
        })) {
            String file = FileNames.display(path);
            try {
                Path real = FileNames.recover(path);
                file = FileNames.display(real);
                BufferedImage image = read(real);
                rows.add(number ? new Row(file, null, classifier.readNumber(image), null)
                        : new Row(file, raw ? classifier.predict(io.mnist.api.ImagePreprocessor.asIs().preprocess(image))
                        : classifier.predict(image), null, null));
            } catch (IOException | IllegalArgumentException e) {
                String reason = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
                rows.add(new Row(file, null, null, reason));
                err.println("mnist: " + file + ": " + reason);
                err.flush();
            }
        }
        return rows;
    }

    /** Files as given, and each folder's images joined to the folder path as given, in name order, as text. */
    static List<String> expand(List<Path> paths) {
        return expandPaths(paths).stream().map(FileNames::display).toList();
    }

    /** As {@link #expandPaths(List, java.util.function.Consumer)}, without notices of subfolders. */
    static List<Path> expandPaths(List<Path> paths) {
        return expandPaths(paths, notice -> { });
    }

    /**
     * Files as given, and each folder's images joined to the folder path as given, in name order. Listed paths are
     * kept as paths: made again from their text, a name that is not valid UTF-8 would name no file. An entry named
     * as an image that is not a regular file (a dangling link, a FIFO) is listed too, so that it gets its own error
     * row instead of vanishing; a folder inside a folder is not read, and {@code notice} is told so.
     */
    static List<Path> expandPaths(List<Path> paths, java.util.function.Consumer<String> notice) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                int before = files.size();
                List<String> subfolders = new ArrayList<>();
                try (Stream<Path> list = Files.list(p)) {
                    list.forEach(f -> {
                        if (Files.isDirectory(f)) {
                            subfolders.add(FileNames.display(p.resolve(f.getFileName())));
                        } else if (IMAGE_TYPES.stream().anyMatch(t -> f.getFileName().toString()
                                .toLowerCase(Locale.ROOT).endsWith(t))) {
                            files.add(p.resolve(f.getFileName()));
                        }
                    });
                } catch (IOException | java.io.UncheckedIOException e) {
                    // read() reports the folder
                }
                files.subList(before, files.size()).sort(java.util.Comparator.comparing(FileNames::display));
                subfolders.sort(null);
                for (String sub : subfolders) {
                    notice.accept("mnist: " + sub + " is a folder inside " + FileNames.display(p)
                            + " and is not read; name it too to read its images");
                }
                if (files.size() == before) {
                    files.add(p); // a folder without images gets an error row, not silence
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    /** The image in {@code file}, through the library's decoder (limits, EXIF orientation, damaged files refused). */
    static BufferedImage read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("is a folder with no images in it (or one that cannot be listed); expected files"
                    + " ending in " + String.join(", ", IMAGE_TYPES));
        }
        return ImageDecoder.read(file);
    }

    /**
     * Right answers among the files whose names carry one; a failed file counts as wrong. Read as single digits
     * ({@code numbers} false), files named as numbers ('-number2026.png') are not scored but counted as skipped:
     * a number is no single digit, and is read with {@code --number}.
     */
    static Map<String, Object> score(List<Row> rows, boolean numbers) {
        int scored = 0;
        int correct = 0;
        int skipped = 0;
        for (Row r : rows) {
            java.util.regex.Matcher m = ANSWER.matcher(r.file());
            if (m.find()) {
                if (!numbers && m.group().startsWith("-number")) {
                    skipped++;
                    continue;
                }
                scored++;
                correct += r.error() == null && r.answer().equals(m.group(1)) ? 1 : 0;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scored", scored);
        m.put("correct", correct);
        m.put("accuracy", scored == 0 ? 0.0 : (double) correct / scored);
        m.put("skipped_numbers", skipped);
        return m;
    }

    /** The score as one line of text; says so when no file name carried an answer to score against. */
    static String scoreLine(Map<String, Object> score) {
        int skipped = (int) score.getOrDefault("skipped_numbers", 0);
        if ((int) score.get("scored") == 0 && skipped > 0) {
            return "score: nothing scored as single digits: the " + skipped + " file" + (skipped == 1 ? " is" : "s are")
                    + " named as numbers ('-number2026.png'); read them with --number";
        }
        if ((int) score.get("scored") == 0) {
            return "score: nothing to score: no file name carries its answer (as '-label7.png' or '-number2026.png',"
                    + " which 'mnist testset' writes)";
        }
        return String.format(Locale.ROOT, "score: %d of %d right (%.2f%%)%s", score.get("correct"), score.get("scored"),
                100 * (double) score.get("accuracy"),
                skipped == 0 ? "" : "; " + skipped + " number" + (skipped == 1 ? "" : "s") + " not scored as single"
                        + " digits (read them with --number)");
    }

    static void print(List<Row> rows, Format format, boolean number, double minConfidence, PrintWriter out) {
        print(rows, format, number, minConfidence, null, out);
    }

    static void print(List<Row> rows, Format format, boolean number, double minConfidence, Map<String, Object> score,
                      PrintWriter out) {
        String what = number ? "number" : "digit";
        switch (format) {
            case csv -> {
                try {
                    CSVPrinter csv = CSV.print(out);
                    csv.printRecord("file", what, "confidence", "ood_score", "not_a_digit");
                    for (Row r : rows) {
                        if (r.error() != null) {
                            csv.printRecord(safe(r.file()), "error", "", "", "");
                        } else {
                            boolean sure = r.confidence() >= minConfidence;
                            csv.printRecord(safe(r.file()), sure ? r.answer() : "?",
                                    String.format(Locale.ROOT, "%.4f", r.confidence()),
                                    score(r.outOfDistributionScore()), r.notADigit());
                        }
                    }
                    csv.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            case json -> {
                List<Map<String, Object>> list = new ArrayList<>();
                for (Row r : rows) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", r.file());
                    if (r.error() != null) {
                        m.put("error", r.error());
                    } else {
                        m.put(what, number ? r.answer() : r.prediction().digit());
                        m.put("confidence", r.confidence());
                        m.put("uncertain", r.confidence() < minConfidence);
                        m.put("ood_score", Double.isNaN(r.outOfDistributionScore()) ? null
                                : r.outOfDistributionScore());
                        m.put("not_a_digit", r.notADigit());
                        if (number) {
                            m.put("digits", r.reading().digits().stream().map(d -> {
                                Map<String, Object> digit = new LinkedHashMap<>();
                                digit.put("digit", d.prediction().digit());
                                digit.put("confidence", d.prediction().confidence());
                                digit.put("box", List.of(d.box().x, d.box().y, d.box().width, d.box().height));
                                double ood = d.prediction().outOfDistributionScore();
                                digit.put("ood_score", Double.isNaN(ood) ? null : ood);
                                digit.put("not_a_digit", d.prediction().notADigit());
                                return digit;
                            }).toList());
                        } else {
                            m.put("probabilities", r.prediction().probabilities());
                        }
                    }
                    list.add(m);
                }
                Map<String, Object> all = new LinkedHashMap<>();
                all.put("predictions", list);
                all.put("failed", rows.stream().filter(r -> r.error() != null).count());
                if (score != null) {
                    all.put("score", score);
                }
                Json.print(out, all);
            }
            default -> {
                int width = rows.stream().mapToInt(r -> r.file().length()).max().orElse(4);
                for (Row r : rows) {
                    if (r.error() != null) {
                        out.printf("%-" + width + "s  error: %s%n", r.file(), r.error());
                    } else if (r.confidence() < minConfidence) {
                        out.printf(Locale.ROOT, "%-" + width + "s  ?  (uncertain: best guess %s at %.1f%%)%s%n",
                                r.file(), r.answer(), 100 * r.confidence(), r.notADigit() ? "  " + NOT_A_DIGIT : "");
                    } else {
                        out.printf(Locale.ROOT, "%-" + width + "s  %s  (%.1f%%)%s%n", r.file(), r.answer(),
                                100 * r.confidence(), r.notADigit() ? "  " + NOT_A_DIGIT : "");
                    }
                }
                if (score != null) {
                    out.println(scoreLine(score));
                }
            }
        }
        out.flush();
    }

    /** RFC 4180: fields quoted where needed, quotes doubled, records ended by CRLF. */
    private static final CSVFormat CSV = CSVFormat.RFC4180;

    /**
     * A file name as a spreadsheet will not run it: a leading {@code = + - @}, tab or carriage return makes
     * spreadsheets read the cell as a formula (OWASP, "CSV Injection"), so such a name is prefixed with a quote.
     */
    static String safe(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }
}
