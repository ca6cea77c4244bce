package io.mnist.benchmarks;

import io.mnist.api.DigitImage;
import io.mnist.api.ImagePreprocessor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The standard preprocessor (polarity, background, threshold, components, crop, scale, centre) on what callers
 * send: a 28x28 image already in MNIST form, a 112x112 greyscale scan, and a 1000x1000 photo of a digit on paper
 * with uneven light and noise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PreprocessingBenchmark {
    private final ImagePreprocessor preprocessor = ImagePreprocessor.standard();
    private BufferedImage digit28;
    private BufferedImage scan112;
    private BufferedImage photo1000;

    @Setup
    public void draw() {
        digit28 = seven(28, Color.BLACK, Color.WHITE, 3f);
        scan112 = grey(seven(112, Color.WHITE, Color.BLACK, 10f));
        photo1000 = photo(1000);
    }

    @Benchmark
    public DigitImage digit28x28() {
        return preprocessor.preprocess(digit28);
    }

    /** What {@code mnist bench} times single predictions with: a 112x112 greyscale scan, dark on light. */
    @Benchmark
    public DigitImage scan112x112() {
        return preprocessor.preprocess(scan112);
    }

    @Benchmark
    public DigitImage photo1000x1000() {
        return preprocessor.preprocess(photo1000);
    }

    /** A "7" drawn with a round pen, {@code ink} on {@code paper}. */
    static BufferedImage seven(int size, Color paper, Color ink, float pen) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(paper);
        g.fillRect(0, 0, size, size);
        g.setColor(ink);
        g.setStroke(new BasicStroke(pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        float s = size / 28f;
        g.drawLine(Math.round(7 * s), Math.round(6 * s), Math.round(21 * s), Math.round(6 * s));
        g.drawLine(Math.round(21 * s), Math.round(6 * s), Math.round(12 * s), Math.round(23 * s));
        g.dispose();
        return img;
    }

    /** Blue ink on off-white paper, lit from one side (30% darker at the far edge), with sensor noise. */
    static BufferedImage photo(int size) {
        BufferedImage img = seven(size, new Color(235, 232, 225), new Color(30, 40, 120), size / 28f * 2.5f);
        SplittableRandom random = new SplittableRandom(7);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = img.getRGB(x, y);
                double light = 1 - 0.3 * x / size;
                int noise = random.nextInt(-8, 9);
                int r = clamp((int) (((rgb >> 16) & 255) * light) + noise);
                int gr = clamp((int) (((rgb >> 8) & 255) * light) + noise);
                int b = clamp((int) ((rgb & 255) * light) + noise);
                img.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return img;
    }

    static BufferedImage grey(BufferedImage rgb) {
        BufferedImage img = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.drawImage(rgb, 0, 0, null);
        g.dispose();
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
