package io.mnist.spark.example;

import io.mnist.spark.DigitRecognizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An example Spark job: recognises the digit (or number) in every image of a folder, or of a Parquet table with a
 * column of image bytes, and writes the answers as Parquet. Run it with {@code spark-submit} (see the README, "On a
 * cluster"):
 *
 * <pre>
 * spark-submit --class io.mnist.spark.example.RecognizeImages [spark options] mnist-spark.jar \
 *     [--number] [--model PATH] [--sha256 HEX] [--backend NAME] [--parquet --column NAME] [--batch N] INPUT OUTPUT
 * </pre>
 *
 * The output has the input's columns without the image bytes (for a folder: {@code path}, {@code modificationTime},
 * {@code length}), then {@code digit}, {@code confidence}, {@code probabilities} (or {@code text},
 * {@code confidence}), {@code error}, {@code ood_score} and {@code not_a_digit}. A summary (rows, answered, failed by
 * kind) is printed at the end; images that failed do not fail the job, so it exits 0 unless the job itself fails.
 */
public final class RecognizeImages {
    private RecognizeImages() {
    }

    public static void main(String[] args) {
        DigitRecognizer recognizer = new DigitRecognizer();
        boolean parquet = false;
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--number" -> recognizer.setMode(DigitRecognizer.NUMBER_MODE);
                case "--model" -> recognizer.setModelPath(value(args, ++i));
                case "--sha256" -> recognizer.setModelSha256(value(args, ++i));
                case "--backend" -> recognizer.setBackend(value(args, ++i));
                case "--parquet" -> parquet = true;
                case "--column" -> recognizer.setInputCol(value(args, ++i));
                case "--batch" -> recognizer.setBatchSize(Integer.parseInt(value(args, ++i)));
                default -> {
                    if (args[i].startsWith("--")) {
                        throw usage("unknown option " + args[i]);
                    }
                    paths.add(args[i]);
                }
            }
        }
        if (paths.size() != 2) {
            throw usage("give INPUT and OUTPUT");
        }
        SparkSession spark = SparkSession.builder().appName("mnist RecognizeImages").getOrCreate();
        try {
            run(spark, recognizer, parquet, paths.get(0), paths.get(1));
        } finally {
            spark.stop();
        }
    }

    /**
     * Runs the job in {@code spark}: the images of {@code input} (a folder, read recursively, or with {@code parquet}
     * a Parquet table) through {@code recognizer}, without the image column, into Parquet at {@code output}.
     *
     * @return the summary line printed
     */
    public static String run(SparkSession spark, DigitRecognizer recognizer, boolean parquet, String input,
                             String output) {
        Dataset<Row> images = parquet ? spark.read().parquet(input)
                : spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(input);
        long start = System.nanoTime();
        recognizer.transform(images).drop(recognizer.getInputCol()).write().parquet(output);
        double seconds = (System.nanoTime() - start) / 1e9;

        Dataset<Row> answers = spark.read().parquet(output);
        long rows = answers.count();
        List<Row> failures = answers.where("error is not null").groupBy("error.kind").count().orderBy("kind")
                .collectAsList();
        long failed = failures.stream().mapToLong(r -> r.getLong(1)).sum();
        StringBuilder kinds = new StringBuilder();
        for (Row r : failures) {
            kinds.append(kinds.length() == 0 ? "" : ", ").append(r.getString(0)).append(' ').append(r.getLong(1));
        }
        String summary = String.format(Locale.ROOT, "mnist: %d images in %.1f s (%.0f images/s): %d answered, %d"
                        + " failed%s; answers in %s", rows, seconds, rows / seconds, rows - failed, failed,
                failed == 0 ? "" : " (" + kinds + ")", output);
        System.out.println(summary);
        return summary;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem + ". Usage: RecognizeImages [--number] [--model PATH]"
                + " [--sha256 HEX] [--backend NAME] [--parquet [--column NAME]] [--batch N] INPUT OUTPUT");
    }
}
