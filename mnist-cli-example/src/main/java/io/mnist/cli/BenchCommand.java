package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.NetworkSpec;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingListener;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.spi.DigitBackend;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnist bench}: a training backend against the real limits, in one run. The engine's matrix product peak
 * ({@link DigitBackend#matmulGflops}, before and after, the best counts) and each GFLOP/s figure as a share of it;
 * training throughput of the seed recipe after warm-up; batch inference in batches of 256; single-image latency with
 * preprocessing; cold start to the first prediction of the bundled model in a fresh JVM; resident memory. Beside
 * the backend, {@value #REFERENCE} runs the same network with the same weights (the model just trained, converted)
 * on the same images with the same warm-up, taking turns with it, and every figure gets its ratio. Measured as
 * {@code scripts/bench-pytorch.py} measures PyTorch.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training and inference speed, latency, cold start and memory of a backend.")
final class BenchCommand extends Subcommand {
    /**
     * The heap limit a predict-only service would set. With the JVM's defaults the heap may grow to a quarter of
     * the machine's memory before it is collected, and garbage, not the model, sets the resident figure.
     */
    static final String SERVICE_HEAP = "-Xmx256m";
    /** The backend every run is compared with: the same network and weights, converted, in the same process. */
    static final String REFERENCE = "onnxruntime";
    /** The order of the square float32 matrices whose product is the peak (17.2 GFLOP a product). */
    static final int MATMUL_SIZE = 2_048;
    /** Forward, then the gradients of the inputs and of the weights: 3 products of 2 FLOPs per multiply-add. */
    static final int TRAIN_FLOPS_PER_MAC = 3 * 2;
    /** Timed single predictions in a row before the other model takes its turn. */
    static final int LATENCY_BLOCK = 250;
    /** The figures both the backend and the reference have, compared as backend / reference. */
    static final List<String> RATIO_KEYS = List.of("predict_images_per_second", "predict_gflops", "latency_ms_p50",
            "latency_ms_p99", "network_latency_ms_p50", "network_latency_ms_p99", "cold_start_ms",
            "pretrained_latency_ms_p50", "rss_mb", "rss_mb_service_heap");
    @Option(names = "--quick", description = "Fewer repetitions: a smoke test of the figures, not a measurement.")
    boolean quick;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;
    @Option(names = "--serve", description = "Measure 'mnist serve' instead, over 127.0.0.1: requests/s and latency"
            + " at 1, 8 and 32 clients against the in-process rate, and resident memory over many requests.")
    boolean serve;
    @Option(names = "--requests", paramLabel = "N", description = "With --serve: requests in the memory run"
            + " (default: 100,000; 10,000 with --quick).")
    Integer requests;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        DigitBackend backend = cli.backend();
        boolean text = format != Format.json;
        if (requests != null && (!serve || requests < 10)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--requests goes with --serve and must be at least 10, not " + requests);
        }
        if (serve) {
            return new ServeBench(backend.name(), quick,
                    requests == null ? ServeBench.defaultSoak(quick) : requests, out, text).run();
        }
        if (!backend.trains()) {
            throw new IllegalArgumentException("bench measures a backend that trains (djl, dl4j) and runs "
                    + REFERENCE + " beside it on the same network and images; " + backend.name() + " cannot train."
                    + " Run ./mnist bench --backend djl (or dl4j): every run reports " + REFERENCE + "'s figures.");
        }
        DigitBackend reference = DigitClassifiers.available().contains(REFERENCE)
                ? DigitClassifiers.backend(REFERENCE) : null;
        int warmBatches = quick ? 3 : 10;
        int timedBatches = quick ? 10 : 50;
        int inferenceImages = quick ? 2_560 : 10_000;
        int inferenceRounds = quick ? 2 : 3;
        int latencyRuns = quick ? 200 : 2_000;
        // Steady state: the JIT compiles preprocessing during the first few hundred calls, on the second core.
        int latencyWarmUp = quick ? 100 : 1_000;
        int coldStarts = quick ? 1 : 3;
        int peakSize = quick ? 1_024 : MATMUL_SIZE;
        int peakRepetitions = quick ? 3 : 5;
        NetworkSpec seed = NetworkSpec.seed();
        double macs = seed.multiplyAddsPerImage();

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend.name());
        m.put("engine", backend.engineVersion());
        m.put("threads", Runtime.getRuntime().availableProcessors());
        m.put("network", "seed");
        m.put("quick", quick);
        m.put("inference_default", DigitClassifiers.inferenceBackend().name());
        // Other work on the machine moves every figure; the ratios, measured side by side, move less.
        m.put("load_average_start", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));

        progress(text, out, "matrix product peak: %d x %d float32 on %s, best of %d", peakSize, peakSize,
                backend.name(), peakRepetitions);
        OptionalDouble peakBefore = backend.matmulGflops(peakSize, peakRepetitions);

        progress(text, out, "training: %d warm-up + %d timed batches of 128 (seed network, RMSProp)", warmBatches,
                timedBatches);
        MnistDataset train = MnistData.train().first((warmBatches + timedBatches) * 128);
        long[] batchEnds = new long[warmBatches + timedBatches];
        TrainingListener clock = new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEnd e) {
                batchEnds[e.batch() - 1] = System.nanoTime();
            }
        };
        Map<String, Object> ref = new LinkedHashMap<>();
        try (DigitClassifier model = backend.trainer(TrainingConfig.builder().epochs(1).build())
                .train(train, null, clock)) {
            double trainSeconds = (batchEnds[batchEnds.length - 1] - batchEnds[warmBatches - 1]) / 1e9;
            double trainRate = timedBatches * 128 / trainSeconds;
            m.put("train_images_per_second", round(trainRate));
            m.put("train_gflops", round(TRAIN_FLOPS_PER_MAC * macs * trainRate / 1e9));

            MnistDataset test = MnistData.test();
            List<DigitImage> images = IntStream.range(0, inferenceImages).mapToObj(i -> test.image(i % test.size()))
                    .toList();
            List<BufferedImage> scans = IntStream.range(0, 100).mapToObj(i -> scan(test.image(i))).toList();
            // The reference runs the same network with the same weights: the model just trained, converted.
            try (DigitClassifier other = reference == null ? null : DigitClassifiers.convert(model, REFERENCE)) {
                List<DigitClassifier> models = other == null ? List.of(model) : List.of(model, other);
                List<Map<String, Object>> figures = other == null ? List.of(m) : List.of(m, ref);
                progress(text, out, "batch inference: %,d images in batches of 256, best of %d%s", inferenceImages,
                        inferenceRounds, other == null ? "" : ", alternating with " + REFERENCE);
                double[] rates = batchRates(models, images, inferenceRounds);
                for (int i = 0; i < models.size(); i++) {
                    figures.get(i).put("predict_images_per_second", round(rates[i]));
                    figures.get(i).put("predict_gflops", round(2 * macs * rates[i] / 1e9));
                }
                progress(text, out, "latency: %,d single predictions of 112x112 dark-on-light images, with"
                        + " preprocessing, after %,d, then of 28x28 digits without%s", latencyRuns, latencyWarmUp,
                        other == null ? "" : ", in blocks alternating with " + REFERENCE);
                latencies(models, i -> scans.get(i % scans.size()), DigitClassifier::predict, latencyWarmUp,
                        latencyRuns, figures, "latency_ms");
                // The network alone (a 28x28 MNIST digit, no preprocessing): what the engines differ in.
                latencies(models, i -> test.image(i % test.size()), DigitClassifier::predict, latencyWarmUp,
                        latencyRuns, figures, "network_latency_ms");
            }
        }
        m.put("bench_rss_mb", ColdStart.peakResidentMb());
        progress(text, out, "matrix product peak again (the machine may be shared): best of %d", peakRepetitions);
        OptionalDouble peakAfter = backend.matmulGflops(peakSize, peakRepetitions);
        if (peakBefore.isPresent() && peakAfter.isPresent()) {
            double peak = Math.max(peakBefore.getAsDouble(), peakAfter.getAsDouble());
            m.put("matmul_peak_gflops", round(peak));
            m.put("matmul_size", peakSize);
            m.put("train_share_of_peak", round((double) m.get("train_gflops") / peak));
            m.put("predict_share_of_peak", round((double) m.get("predict_gflops") / peak));
            if (reference != null) {
                ref.put("predict_share_of_peak", round((double) ref.get("predict_gflops") / peak));
            }
        } else {
            m.put("matmul_peak_gflops", null);
        }

        List<String> backends = reference == null ? List.of(backend.name()) : List.of(backend.name(), REFERENCE);
        progress(text, out, "cold start: %d fresh JVM(s) per backend (%s) loading the bundled model, then with %s",
                coldStarts, String.join(", ", backends), SERVICE_HEAP);
        for (String name : backends) {
            Map<String, Object> into = name.equals(REFERENCE) ? ref : m;
            Map<String, Object> median = medianColdStart(name, coldStarts, List.of());
            into.put("cold_start_ms", median.get("cold_start_ms"));
            into.put("pretrained_load_ms", median.get("pretrained_load_ms"));
            into.put("pretrained_latency_ms_p50", median.get("latency_ms_p50"));
            into.put("pretrained_latency_ms_p99", median.get("latency_ms_p99"));
            into.put("rss_mb", median.get("rss_mb"));
            into.put("rss_mb_service_heap",
                    medianColdStart(name, coldStarts, List.of(SERVICE_HEAP)).get("rss_mb"));
        }
        if (reference != null) {
            ref.put("backend", REFERENCE);
            ref.put("engine", reference.engineVersion());
            Map<String, Object> ratios = new LinkedHashMap<>();
            for (String key : RATIO_KEYS) {
                ratios.put(key, round(((Number) m.get(key)).doubleValue() / ((Number) ref.get(key)).doubleValue()));
            }
            m.put("reference", ref);
            m.put("ratios_to_reference", ratios);
        }

        m.put("load_average_end", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        if (text) {
            printText(out, backend, m, reference == null ? null : ref);
        } else {
            Json.print(out, m);
        }
        return 0;
    }

    /**
     * Times {@code rounds} passes of each model over {@code images} (predictAll, batches of 256), the models taking
     * turns within each round after one untimed pass of 1,024 images each, and returns each model's best rate in
     * images/s: on a shared machine, both then meet the same spells of load.
     */
    static double[] batchRates(List<DigitClassifier> models, List<DigitImage> images, int rounds) {
        for (DigitClassifier model : models) {
            model.predictAll(images.subList(0, Math.min(1_024, images.size())));
        }
        double[] best = new double[models.size()];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < models.size(); i++) {
                long start = System.nanoTime();
                models.get(i).predictAll(images);
                best[i] = Math.max(best[i], images.size() / ((System.nanoTime() - start) / 1e9));
            }
        }
        return best;
    }

    /**
     * Single-image latency of each model: {@code warmUp} untimed calls each, then {@code timed} timed ones each, in
     * blocks of {@value #LATENCY_BLOCK} taking turns; puts p50 and p99 in ms into each model's map
     * ({@code <key>_p50}, {@code <key>_p99}). Call {@code i} predicts {@code predict.apply(model, i)}'s input, made
     * before its timer starts.
     */
    static <T> void latencies(List<DigitClassifier> models, IntFunction<T> input, BiConsumer<DigitClassifier, T> predict,
            int warmUp, int timed, List<Map<String, Object>> figures, String key) {
        for (DigitClassifier model : models) {
            for (int i = 0; i < warmUp; i++) {
                predict.accept(model, input.apply(i));
            }
        }
        double[][] ms = new double[models.size()][timed];
        for (int from = 0; from < timed; from += LATENCY_BLOCK) {
            for (int k = 0; k < models.size(); k++) {
                for (int i = from; i < Math.min(timed, from + LATENCY_BLOCK); i++) {
                    T next = input.apply(warmUp + i);
                    long t = System.nanoTime();
                    predict.accept(models.get(k), next);
                    ms[k][i] = (System.nanoTime() - t) / 1e6;
                }
            }
        }
        for (int k = 0; k < models.size(); k++) {
            Arrays.sort(ms[k]);
            figures.get(k).put(key + "_p50", round(ms[k][(int) (0.50 * (timed - 1))]));
            figures.get(k).put(key + "_p99", round(ms[k][(int) Math.ceil(0.99 * (timed - 1))]));
        }
    }

    private static void printText(PrintWriter out, DigitBackend backend, Map<String, Object> m,
            Map<String, Object> ref) {
        String name = backend.name();
        Object peak = m.get("matmul_peak_gflops");
        out.printf(Locale.ROOT, "%n%s (%s), %d threads, load average %.1f at the start and %.1f at the end;"
                + " reference %s%n", name, backend.engineVersion(), Runtime.getRuntime().availableProcessors(),
                m.get("load_average_start"), m.get("load_average_end"), ref == null ? "none (" + REFERENCE
                        + " is not on the classpath)" : ref.get("engine") + ", same network and weights, same images,"
                        + " this run");
        out.printf(Locale.ROOT, "  matrix product peak %s%n", peak == null ? "not measured by this backend"
                : String.format(Locale.ROOT, "%.1f GFLOP/s (%s's engine, %d x %d float32, the best product before"
                        + " and after the run)", peak, name, m.get("matmul_size"), m.get("matmul_size")));
        out.printf(Locale.ROOT, "  %-28s%12s%14s%9s%n", "", name, ref == null ? "" : REFERENCE,
                ref == null ? "" : "ratio");
        row(out, "training images/s", m, ref, "train_images_per_second", "%,.0f");
        row(out, "  GFLOP/s (share of peak)", m, ref, "train_gflops", "%.1f");
        row(out, "batch inference images/s", m, ref, "predict_images_per_second", "%,.0f");
        row(out, "  GFLOP/s (share of peak)", m, ref, "predict_gflops", "%.1f");
        row(out, "single image p50 ms", m, ref, "latency_ms_p50", "%.2f");
        row(out, "single image p99 ms", m, ref, "latency_ms_p99", "%.2f");
        row(out, "  the network alone, p50 ms", m, ref, "network_latency_ms_p50", "%.2f");
        row(out, "cold start ms", m, ref, "cold_start_ms", "%,.0f");
        row(out, "bundled model p50 ms", m, ref, "pretrained_latency_ms_p50", "%.2f");
        row(out, "predicting RSS MB", m, ref, "rss_mb", "%,.0f");
        row(out, "  the same, " + SERVICE_HEAP, m, ref, "rss_mb_service_heap", "%,.0f");
        out.printf(Locale.ROOT, "  single images: 112x112 scans with preprocessing (the network alone: 28x28 MNIST"
                + " digits); cold start: a fresh JVM to its first prediction of the bundled model; %,d MB peak in this"
                + " benchmark (training too)%n",
                m.get("bench_rss_mb"));
        if (ref != null) {
            out.printf(Locale.ROOT, "  ratio = %s / %s: above 1 is better for rates, below 1 for times and memory%n",
                    name, REFERENCE);
            out.printf(Locale.ROOT, "  targets%s: batch inference >= 1.0x %s: %s; single image p50 <= 1.2x:"
                    + " %s; training >= 50%% of the matrix product peak: %s%n",
                    Boolean.TRUE.equals(m.get("quick")) ? " (--quick: a smoke test, not a measurement)" : "", REFERENCE,
                    verdict(ratio(m, "predict_images_per_second") >= 1.0, ratio(m, "predict_images_per_second"), "x"),
                    verdict(ratio(m, "latency_ms_p50") <= 1.2, ratio(m, "latency_ms_p50"), "x"),
                    peak == null ? "not measured" : verdict((double) m.get("train_share_of_peak") >= 0.5,
                            100 * (double) m.get("train_share_of_peak"), "%"));
            out.printf(Locale.ROOT, "  predict and evaluate use %s when no backend is named%n",
                    m.get("inference_default"));
        }
        out.flush();
    }

    private static double ratio(Map<String, Object> m, String key) {
        @SuppressWarnings("unchecked")
        Map<String, Object> ratios = (Map<String, Object>) m.get("ratios_to_reference");
        return ((Number) ratios.get(key)).doubleValue();
    }

    private static String verdict(boolean met, double value, String unit) {
        return String.format(Locale.ROOT, unit.equals("%") ? "%.0f%s, %s" : "%.2f%s, %s", value, unit,
                met ? "met" : "not met");
    }

    private static void row(PrintWriter out, String label, Map<String, Object> m, Map<String, Object> ref,
            String key, String format) {
        String shareKey = key.equals("train_gflops") ? "train_share_of_peak"
                : key.equals("predict_gflops") ? "predict_share_of_peak" : null;
        String ours = cell(m.get(key), format, shareKey == null ? null : m.get(shareKey));
        if (ref == null) {
            out.printf(Locale.ROOT, "  %-28s%12s%n", label, ours);
            return;
        }
        Object theirs = ref.get(key);
        String ratio = theirs == null || shareKey != null ? "" : String.format(Locale.ROOT, "%.2f",
                ((Number) m.get(key)).doubleValue() / ((Number) theirs).doubleValue());
        out.printf(Locale.ROOT, "  %-28s%12s%14s%9s%n", label, ours,
                cell(theirs, format, shareKey == null ? null : ref.get(shareKey)), ratio);
    }

    private static String cell(Object value, String format, Object share) {
        if (value == null) {
            return "-";
        }
        String v = String.format(Locale.ROOT, format, ((Number) value).doubleValue());
        return share == null ? v : v + String.format(Locale.ROOT, " (%.0f%%)", 100 * ((Number) share).doubleValue());
    }

    /**
     * Predicts {@code warmUp} images untimed, then times {@code timed} single predictions (the image of call
     * {@code i} made before its timer starts) and puts their p50 and p99 in ms into {@code m}
     * ({@code latency_ms_p50}, {@code latency_ms_p99}).
     */
    static void latency(DigitClassifier model, IntFunction<BufferedImage> image, int warmUp, int timed,
            Map<String, Object> m) {
        latencies(List.of(model), image, DigitClassifier::predict, warmUp, timed, List.of(m), "latency_ms");
    }

    /** The run (of {@code runs} fresh JVMs with {@code jvmOptions}) with the median time to the first prediction. */
    private Map<String, Object> medianColdStart(String backend, int runs, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<Map<String, Object>> starts = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            starts.add(coldStart(backend, jvmOptions));
        }
        starts.sort((a, b) -> Double.compare((double) a.get("cold_start_ms"), (double) b.get("cold_start_ms")));
        return starts.get(starts.size() / 2);
    }

    /** Runs {@link ColdStart} in a fresh JVM and returns its figures plus the wall time to its first prediction. */
    private Map<String, Object> coldStart(String backend, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true"));
        command.addAll(jvmOptions);
        command.add(ColdStart.class.getName());
        command.add(backend);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        double firstPrediction = Double.NaN;
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(ColdStart.READY) && Double.isNaN(firstPrediction)) {
                    firstPrediction = (System.nanoTime() - start) / 1e6;
                }
                last = line;
            }
        }
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0 || last == null
                || Double.isNaN(firstPrediction)) {
            throw new IllegalStateException("The cold-start run of " + backend + " failed (exit "
                    + (process.isAlive() ? "none, still running" : process.exitValue()) + "); run "
                    + String.join(" ", command) + " to see why");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> figures = Json.mapper().readValue(last, LinkedHashMap.class);
        figures.put("cold_start_ms", round(firstPrediction));
        return figures;
    }

    /** A 112x112 dark-on-light greyscale picture of a digit, as a scan or a canvas gives it. */
    static BufferedImage scan(DigitImage digit) {
        int scale = 4;
        BufferedImage img = new BufferedImage(DigitImage.SIZE * scale, DigitImage.SIZE * scale,
                BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int ink = Math.round(255 * digit.pixel(x / scale, y / scale));
                img.getRaster().setSample(x, y, 0, 255 - ink);
            }
        }
        return img;
    }

    private static void progress(boolean text, PrintWriter out, String format, Object... args) {
        if (text) {
            out.printf(Locale.ROOT, "bench: " + format + "%n", args);
            out.flush();
        }
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /**
     * The cold-start probe, run in a fresh JVM by {@code bench}: loads the bundled model of the backend named by
     * its argument, predicts one image (printing {@value #READY} at once), then measures a second load with the
     * engine up, predicts more as an application would (1,000 single images, or as many as the optional second
     * argument says, at least 500, the latency of the last 500 timed; then 2,560 in batches), and prints its
     * figures as JSON.
     */
    public static final class ColdStart {
        static final String READY = "first-prediction";

        public static void main(String[] args) throws Exception {
            String backend = args[0];
            int singles = args.length > 1 ? Math.max(500, Integer.parseInt(args[1])) : 1_000;
            BufferedImage image = scan(DigitImage.of(new float[DigitImage.PIXELS]));
            // A plain stroke, so that preprocessing finds ink.
            for (int y = 20; y < 92; y++) {
                for (int x = 50; x < 60; x++) {
                    image.getRaster().setSample(x, y, 0, 0);
                }
            }
            try (DigitClassifier first = io.mnist.api.DigitClassifiers.pretrained(backend)) {
                first.predict(image);
                System.out.println(READY);
                System.out.flush();
            }
            long start = System.nanoTime();
            Map<String, Object> m = new LinkedHashMap<>();
            try (DigitClassifier again = io.mnist.api.DigitClassifiers.pretrained(backend)) {
                m.put("pretrained_load_ms", round((System.nanoTime() - start) / 1e6));
                MnistDataset test = MnistData.test();
                latency(again, i -> scan(test.image(i % test.size())), singles - 500, 500, m);
                again.evaluate(test.first(2_560));
            }
            m.put("rss_mb", peakResidentMb());
            System.out.println(Json.mapper().writeValueAsString(m));
        }

        /** This process's peak resident set size in MB ({@code VmHWM} in {@code /proc/self/status}). */
        static long peakResidentMb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
            return -1;
        }
    }
}
