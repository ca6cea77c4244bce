package io.mnist.onnxruntime;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Inference speed of the three backends on the same network and weights (the djl bundled model, converted), in one
 * JVM run: batch inference in batches of 256 over the 10,000 test images, and single-image latency without and with
 * preprocessing (a 112x112 dark-on-light scan). Not a test: run it with
 * {@code mvn -pl mnist-onnxruntime -am test-compile} and then
 * {@code mvn -pl mnist-onnxruntime exec:java -Dexec.mainClass=io.mnist.onnxruntime.InferenceComparison
 * -Dexec.classpathScope=test}.
 */
public final class InferenceComparison {
    private InferenceComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        MnistDataset test = MnistData.test();
        List<DigitImage> images = IntStream.range(0, test.size()).mapToObj(test::image).toList();
        List<BufferedImage> scans = images.subList(0, 100).stream().map(InferenceComparison::scan).toList();
        System.out.printf(Locale.ROOT, "%d threads; network: the djl bundled model (compact), converted to each"
                + " backend; best of %d rounds%n", Runtime.getRuntime().availableProcessors(), rounds);
        System.out.printf(Locale.ROOT, "%-12s %14s %12s %12s %14s %14s%n", "backend", "batch img/s", "p50 ms",
                "p99 ms", "p50 ms (prep)", "p99 ms (prep)");
        try (DigitClassifier source = DigitClassifiers.pretrained("djl")) {
            for (String backend : List.of("dl4j", "djl", OrtBackend.NAME)) {
                try (DigitClassifier model = backend.equals("djl") ? DigitClassifiers.pretrained("djl")
                        : DigitClassifiers.convert(source, backend)) {
                    double rate = 0;
                    double[] plain = {Double.MAX_VALUE, Double.MAX_VALUE};
                    double[] prep = {Double.MAX_VALUE, Double.MAX_VALUE};
                    model.predictAll(images.subList(0, 2_048));
                    for (int r = 0; r < rounds; r++) {
                        long start = System.nanoTime();
                        model.predictAll(images);
                        rate = Math.max(rate, images.size() / ((System.nanoTime() - start) / 1e9));
                        min(plain, latency(i -> model.predict(images.get(i % images.size()))));
                        min(prep, latency(i -> model.predict(scans.get(i % scans.size()))));
                    }
                    System.out.printf(Locale.ROOT, "%-12s %,14.0f %12.3f %12.3f %14.3f %14.3f%n", backend, rate,
                            plain[0], plain[1], prep[0], prep[1]);
                }
            }
        }
    }

    private static void min(double[] best, double[] now) {
        best[0] = Math.min(best[0], now[0]);
        best[1] = Math.min(best[1], now[1]);
    }

    /** p50 and p99 in ms of 2,000 calls after 1,000 untimed ones. */
    private static double[] latency(java.util.function.IntConsumer call) {
        for (int i = 0; i < 1_000; i++) {
            call.accept(i);
        }
        double[] ms = new double[2_000];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            call.accept(i);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[(int) (0.50 * (ms.length - 1))], ms[(int) Math.ceil(0.99 * (ms.length - 1))]};
    }

    /** The digit as a 112x112 dark-on-light grey scan, what users send. */
    private static BufferedImage scan(DigitImage digit) {
        BufferedImage small = new BufferedImage(DigitImage.SIZE, DigitImage.SIZE, BufferedImage.TYPE_BYTE_GRAY);
        float[] p = digit.pixels();
        for (int y = 0; y < DigitImage.SIZE; y++) {
            for (int x = 0; x < DigitImage.SIZE; x++) {
                int v = 255 - Math.round(p[y * DigitImage.SIZE + x] * 255);
                small.getRaster().setSample(x, y, 0, v);
            }
        }
        BufferedImage big = new BufferedImage(112, 112, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = big.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 112, 112);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(small, 0, 0, 112, 112, null);
        g.dispose();
        return big;
    }
}
