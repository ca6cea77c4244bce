package io.mnist.cli;

import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mnist data}: where the data is, counts per class, pixel statistics, and a grid of samples. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Show the MNIST data: counts per class, pixel statistics, a PNG grid of samples.")
final class DataCommand extends Subcommand {
    @Mixin
    OutputDir output;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        MnistDataset train = MnistData.train();
        MnistDataset test = MnistData.test();
        Path grid = output.file("samples.png");
        samples(test, grid);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("directory", MnistData.defaults().directory().toString());
        Map<String, Object> trainStats = describe(train);
        Map<String, Object> testStats = describe(test);
        stats.put("train", trainStats);
        stats.put("test", testStats);
        stats.put("samples_png", grid.toString());
        if (format == Format.json) {
            Json.print(out, stats);
        } else {
            out.printf("MNIST data in %s%n%n", stats.get("directory"));
            out.printf("%-6s %7s  %s%n", "set", "images", "per digit 0..9");
            Map<String, Map<String, Object>> sets = Map.of("train", trainStats, "test", testStats);
            for (String name : List.of("train", "test")) {
                out.printf("%-6s %7d  %s%n", name, sets.get(name).get("images"),
                        java.util.Arrays.toString((int[]) sets.get(name).get("per_digit")));
            }
            out.println();
            for (String name : List.of("train", "test")) {
                Map<String, Object> s = sets.get(name);
                out.printf("%-6s pixel mean %.4f, std %.4f (of values scaled to [0, 1]); %.1f%% of pixels are ink%n",
                        name, s.get("pixel_mean"), s.get("pixel_std"), 100 * (double) s.get("ink_fraction"));
            }
            out.printf("%nSample grid: %s%n", grid);
        }
        return 0;
    }

    /** The first ten test images of each digit, one row per digit. */
    static void samples(MnistDataset set, Path file) throws java.io.IOException {
        List<DigitImage> digits = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int digit = 0; digit < 10; digit++) {
            int found = 0;
            for (int i = 0; i < set.size() && found < 10; i++) {
                if (set.label(i) == digit) {
                    digits.add(set.image(i));
                    captions.add("#" + i + ": " + digit);
                    found++;
                }
            }
        }
        Pictures.grid(file, "MNIST " + set.name() + ": ten samples of each digit, with index and label", digits,
                captions, null, 10);
    }

    private static Map<String, Object> describe(MnistDataset set) {
        Map<String, Object> m = new LinkedHashMap<>();
        double[] ms = meanAndStd(set);
        m.put("images", set.size());
        m.put("per_digit", counts(set));
        m.put("pixel_mean", ms[0]);
        m.put("pixel_std", ms[1]);
        m.put("ink_fraction", ms[2]);
        return m;
    }

    private static int[] counts(MnistDataset set) {
        int[] counts = new int[10];
        for (int label : set.labels()) {
            counts[label]++;
        }
        return counts;
    }

    private static double[] meanAndStd(MnistDataset set) {
        double sum = 0;
        double squares = 0;
        long ink = 0;
        long n = (long) set.size() * DigitImage.PIXELS;
        for (int i = 0; i < set.size(); i++) {
            for (int p = 0; p < DigitImage.PIXELS; p++) {
                double v = set.rawPixel(i, p) / 255.0;
                sum += v;
                squares += v * v;
                ink += v > 0.5 ? 1 : 0;
            }
        }
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(squares / n - mean * mean), (double) ink / n};
    }
}
