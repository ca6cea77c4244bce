package io.mnist.spark;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.InvalidImageException;
import io.mnist.api.Prediction;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.image.DigitPictures;
import io.mnist.api.image.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * How fast the transformer recognises a folder of image files in Spark's local mode on one and two cores, against
 * plain Java on the same files in the same JVM and run: each file read, decoded by {@link ImageDecoder},
 * preprocessed, and classified with {@link DigitClassifier#predictAll} in batches of 256, on one thread and on two.
 * Spark's figures include listing and reading the files through its {@code binaryFile} source, turning rows into and
 * out of Spark's format, and the sink: {@code noop} (nothing written), or Parquet.
 *
 * <p>Not a test: run it with {@code scripts/bench-spark [IMAGES] [REPEATS] [FOLDER]}. The images are MNIST test digits
 * (then the training digits, past 10,000) written as 28x28 PNG files, the cheapest to decode and preprocess, so that
 * what Spark adds per image shows as much as it can; or the files directly in {@code FOLDER} (IMAGES is then
 * ignored).
 */
public final class SparkBenchmark {
    private static final int BATCH = 256;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** One timed run: wall seconds and the CPU seconds this process used (all its threads, Spark's included). */
    record Run(double seconds, double cpuSeconds) {
    }

    interface Timed {
        void run() throws Exception;
    }

    static Run time(Timed work) throws Exception {
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        work.run();
        return new Run((System.nanoTime() - start) / 1e9, (OS.getProcessCpuTime() - cpu) / 1e9);
    }

    private SparkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir;
        if (args.length > 2) {
            dir = Path.of(args[2]);
        } else {
            dir = Files.createTempDirectory("mnist-spark-bench");
            writeImages(count, dir);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        System.out.printf(Locale.ROOT, "%d files (%.1f MB) in %s; %d cores; djl intra-op threads %s; repeats %d%n",
                files.size(), bytes(files) / 1e6, dir, Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"), repeats);

        List<String> lines = new ArrayList<>();
        try (DigitClassifier classifier = DigitClassifiers.pretrained("djl")) {
            javaRun(classifier, files, 2);
            javaRun(classifier, files, 1);
            for (int threads : new int[] {1, 2}) {
                Run[] runs = new Run[repeats];
                for (int r = 0; r < repeats; r++) {
                    runs[r] = time(() -> javaRun(classifier, files, threads));
                }
                lines.add(line("java predictAll, " + threads + (threads == 1 ? " thread" : " threads"), runs,
                        files.size()));
            }
        }
        for (String master : new String[] {"local[1]", "local[2]"}) {
            for (String openCost : new String[] {null, "65536"}) {
                SparkSession.Builder builder = SparkSession.builder().master(master).appName("SparkBenchmark")
                        .config("spark.ui.enabled", "false");
                if (openCost != null) {
                    builder.config("spark.sql.files.openCostInBytes", openCost);
                }
                SparkSession spark = builder.getOrCreate();
                try {
                    String how = master + (openCost == null ? ", default partitions" : ", openCostInBytes 64k");
                    int partitions = spark.read().format("binaryFile").load(dir.toString()).rdd().getNumPartitions();
                    sparkRun(spark, dir, "noop", null);
                    Run[] runs = new Run[repeats];
                    for (int r = 0; r < repeats; r++) {
                        runs[r] = time(() -> sparkRun(spark, dir, "noop", null));
                    }
                    lines.add(line("spark " + how + " (" + partitions + " partitions), noop sink", runs,
                            files.size()));
                    if (openCost != null) {
                        Path out = Files.createTempDirectory("mnist-spark-bench-out");
                        for (int r = 0; r < repeats; r++) {
                            Path target = out.resolve("run" + r);
                            runs[r] = time(() -> sparkRun(spark, dir, "parquet", target));
                        }
                        lines.add(line("spark " + how + " (" + partitions + " partitions), Parquet", runs,
                                files.size()));
                    }
                } finally {
                    spark.stop();
                }
            }
        }
        System.out.println();
        System.out.println("| how | images/s, median (all runs) | CPU ms per image, median | load average after |");
        System.out.println("|---|---|---|---|");
        lines.forEach(System.out::println);
    }

    /** Reads, decodes, preprocesses and classifies {@code files} on {@code threads} threads. */
    static void javaRun(DigitClassifier classifier, List<Path> files, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    int answered = 0;
                    for (int from = next.getAndAdd(BATCH); from < files.size(); from = next.getAndAdd(BATCH)) {
                        List<DigitImage> batch = new ArrayList<>(BATCH);
                        for (Path f : files.subList(from, Math.min(from + BATCH, files.size()))) {
                            try {
                                batch.add(classifier.preprocessor().preprocess(ImageDecoder.decode(
                                        Files.readAllBytes(f))));
                            } catch (InvalidImageException e) {
                                // as the transformer: the row would get an error, the others go on
                            }
                        }
                        List<Prediction> predictions = classifier.predictAll(batch);
                        answered += predictions.size();
                    }
                    return answered;
                }));
            }
            for (Future<Integer> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** One job: the folder through the transformer into {@code format}. */
    static void sparkRun(SparkSession spark, Path dir, String format, Path out) {
        var answers = new DigitRecognizer().setBackend("djl").transform(
                spark.read().format("binaryFile").load(dir.toString())).drop("content");
        if (out == null) {
            answers.write().format(format).mode("overwrite").save();
        } else {
            answers.write().format(format).save(out.toString());
        }
    }

    private static String line(String what, Run[] runs, int images) {
        double[] rates = new double[runs.length];
        double[] cpu = new double[runs.length];
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < runs.length; i++) {
            rates[i] = images / runs[i].seconds();
            cpu[i] = 1000 * runs[i].cpuSeconds() / images;
            all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", rates[i]));
        }
        Arrays.sort(rates);
        Arrays.sort(cpu);
        String row = String.format(Locale.ROOT, "| %s | %,.0f (%s) | %.2f | %.1f |", what, rates[rates.length / 2],
                all, cpu[cpu.length / 2], OS.getSystemLoadAverage());
        System.out.println(row);
        return row;
    }

    private static void writeImages(int count, Path dir) throws IOException {
        MnistDataset test = MnistData.test();
        MnistDataset train = count > test.size() ? MnistData.train() : null;
        for (int i = 0; i < count; i++) {
            MnistDataset data = i < test.size() ? test : train;
            int index = i < test.size() ? i : i - test.size();
            Files.write(dir.resolve(String.format("%06d-label%d.png", i, data.label(index))), DigitPictures.png(
                    DigitPictures.render(data.image(index), DigitImage.SIZE, DigitPictures.Ink.LIGHT)));
        }
    }

    private static long bytes(List<Path> files) {
        return files.stream().mapToLong(f -> {
            try {
                return Files.size(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).sum();
    }
}
