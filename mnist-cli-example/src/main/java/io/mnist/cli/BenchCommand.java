package io.mnist.cli;

import io.mnist.api.DigitClassifier;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnist bench}: the figures users compare with PyTorch, measured the same way as
 * {@code scripts/bench-pytorch.py}: training throughput of the seed recipe after warm-up, batch inference in
 * batches of 256, single-image latency with preprocessing, cold start to the first prediction of the bundled model
 * in a fresh JVM, and resident memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training and inference speed, latency, cold start and memory of a backend.")
final class BenchCommand extends Subcommand {
    /**
     * The heap limit a predict-only service would set. With the JVM's defaults the heap may grow to a quarter of
     * the machine's memory before it is collected, and garbage, not the model, sets the resident figure.
     */
    static final String SERVICE_HEAP = "-Xmx256m";
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
        int warmBatches = quick ? 3 : 10;
        int timedBatches = quick ? 10 : 50;
        int inferenceImages = quick ? 2_560 : 10_000;
        int latencyRuns = quick ? 200 : 2_000;
        // Steady state: the JIT compiles preprocessing during the first few hundred calls, on the second core.
        int latencyWarmUp = quick ? 100 : 1_000;
        int coldStarts = quick ? 1 : 3;
        NetworkSpec seed = NetworkSpec.seed();
        double macs = seed.multiplyAddsPerImage();

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend.name());
        m.put("engine", backend.engineVersion());
        m.put("threads", Runtime.getRuntime().availableProcessors());
        m.put("network", "seed");
        m.put("quick", quick);

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
        try (DigitClassifier model = backend.trainer(TrainingConfig.builder().epochs(1).build())
                .train(train, null, clock)) {
            double trainSeconds = (batchEnds[batchEnds.length - 1] - batchEnds[warmBatches - 1]) / 1e9;
            double trainRate = timedBatches * 128 / trainSeconds;
            m.put("train_images_per_second", round(trainRate));
            m.put("train_gflops", round(3 * 2 * macs * trainRate / 1e9));

            MnistDataset test = MnistData.test();
            List<DigitImage> images = IntStream.range(0, inferenceImages).mapToObj(i -> test.image(i % test.size()))
                    .toList();
            progress(text, out, "batch inference: %,d images in batches of 256", inferenceImages);
            model.predictAll(images.subList(0, 1024));
            long start = System.nanoTime();
            model.predictAll(images);
            double predictRate = inferenceImages / ((System.nanoTime() - start) / 1e9);
            m.put("predict_images_per_second", round(predictRate));
            m.put("predict_gflops", round(2 * macs * predictRate / 1e9));

            progress(text, out, "latency: %,d single predictions of 112x112 dark-on-light images, with preprocessing,"
                    + " after %,d", latencyRuns, latencyWarmUp);
            List<BufferedImage> scans = IntStream.range(0, 100).mapToObj(i -> scan(test.image(i))).toList();
            latency(model, i -> scans.get(i % scans.size()), latencyWarmUp, latencyRuns, m);
        }
        m.put("bench_rss_mb", ColdStart.peakResidentMb());

        progress(text, out, "cold start: %d fresh JVM(s) loading the bundled model, then with %s", coldStarts,
                SERVICE_HEAP);
        Map<String, Object> median = medianColdStart(backend.name(), coldStarts, List.of());
        m.put("cold_start_ms", median.get("cold_start_ms"));
        m.put("pretrained_load_ms", median.get("pretrained_load_ms"));
        m.put("pretrained_latency_ms_p50", median.get("latency_ms_p50"));
        m.put("pretrained_latency_ms_p99", median.get("latency_ms_p99"));
        m.put("rss_mb", median.get("rss_mb"));
        m.put("rss_mb_service_heap", medianColdStart(backend.name(), coldStarts, List.of(SERVICE_HEAP)).get("rss_mb"));

        if (text) {
            out.printf(Locale.ROOT, "%n%s (%s), %d threads%n", backend.name(), backend.engineVersion(),
                    Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "  training            %,10.0f images/s  (%.1f GFLOP/s)%n",
                    m.get("train_images_per_second"), m.get("train_gflops"));
            out.printf(Locale.ROOT, "  batch inference     %,10.0f images/s  (%.1f GFLOP/s)%n",
                    m.get("predict_images_per_second"), m.get("predict_gflops"));
            out.printf(Locale.ROOT, "  single image        p50 %.2f ms, p99 %.2f ms (with preprocessing)%n",
                    m.get("latency_ms_p50"), m.get("latency_ms_p99"));
            out.printf(Locale.ROOT, "  cold start          %.0f ms to the first prediction; bundled model loads in"
                    + " %.0f ms once the engine is up%n", m.get("cold_start_ms"), m.get("pretrained_load_ms"));
            out.printf(Locale.ROOT, "  bundled model       p50 %.2f ms, p99 %.2f ms a single image (with preprocessing),"
                    + " in a fresh JVM after 500 predictions%n", m.get("pretrained_latency_ms_p50"),
                    m.get("pretrained_latency_ms_p99"));
            out.printf(Locale.ROOT, "  resident memory     %d MB predicting only (%d MB with %s); %d MB peak in"
                    + " this benchmark (training too)%n", m.get("rss_mb"), m.get("rss_mb_service_heap"), SERVICE_HEAP,
                    m.get("bench_rss_mb"));
            out.flush();
        } else {
            Json.print(out, m);
        }
        return 0;
    }

    /**
     * Predicts {@code warmUp} images untimed, then times {@code timed} single predictions (the image of call
     * {@code i} made before its timer starts) and puts their p50 and p99 in ms into {@code m}
     * ({@code latency_ms_p50}, {@code latency_ms_p99}).
     */
    static void latency(DigitClassifier model, IntFunction<BufferedImage> image, int warmUp, int timed,
            Map<String, Object> m) {
        for (int i = 0; i < warmUp; i++) {
            model.predict(image.apply(i));
        }
        double[] ms = new double[timed];
        for (int i = 0; i < timed; i++) {
            BufferedImage next = image.apply(warmUp + i);
            long t = System.nanoTime();
            model.predict(next);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        m.put("latency_ms_p50", round(ms[(int) (0.50 * (timed - 1))]));
        m.put("latency_ms_p99", round(ms[(int) Math.ceil(0.99 * (timed - 1))]));
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
