package io.mnist.api.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real Keras model files other people trained for their own MNIST projects, with inputs and the outputs Keras
 * gives for them, beside the project at {@code ../shared/keras} as in CI (never copied into the repository: they keep
 * their attribution there, in {@code SOURCES.csv}). Tests that need them fail, rather than skip, when they are missing.
 *
 * <p>{@code inputs-11x28x28-f32le.bin}: 11 images of 28x28 float32 little-endian values in [0, 1]. {@code
 * expected-outputs.csv}: {@code model,input,p0..p10}, each model's probabilities for each input when that input is
 * fed to the Keras model as it is (pixels in [0, 1], no other scaling), computed in numpy from the files alone.
 */
public final class KerasFixtures {
    /** Inputs in the binary file. */
    public static final int INPUTS = 11;

    private KerasFixtures() {
    }

    /** The folder {@code ../shared/keras} beside the project. */
    public static Path directory() {
        Path project = Path.of("").toAbsolutePath().getParent();
        Path dir = project.resolveSibling("shared").resolve("keras");
        assertThat(dir).as("real Keras model files, expected beside the project at ../shared/keras (as in CI)")
                .isDirectory();
        return dir;
    }

    /** The model files' names, sorted: every {@code .h5} and {@code .keras} file in {@link #directory()}. */
    public static List<String> models() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".h5") || n.endsWith(".keras")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The eleven input images, 784 values in [0, 1] each, row-major. */
    public static List<float[]> inputs() throws IOException {
        byte[] bytes = Files.readAllBytes(directory().resolve("inputs-11x28x28-f32le.bin"));
        assertThat(bytes).as("11 images of 28x28 float32").hasSize(INPUTS * 784 * 4);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            float[] image = new float[784];
            buffer.asFloatBuffer().position(i * 784).get(image);
            out.add(image);
        }
        return out;
    }

    /** The inputs' names in the CSV, in order, e.g. {@code 0000-test09000-label7.png} and {@code constant-0.5}. */
    public static List<String> inputNames() throws IOException {
        return new ArrayList<>(expected().values().iterator().next().keySet());
    }

    /** For each model file, for each input name in order, the expected probabilities (10, or 11 where given). */
    public static Map<String, Map<String, double[]>> expected() throws IOException {
        Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(directory().resolve("expected-outputs.csv"));
        assertThat(lines.get(0)).startsWith("model,input,p0,");
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            List<Double> p = new ArrayList<>();
            for (int i = 2; i < f.length; i++) {
                if (!f[i].isEmpty()) {
                    p.add(Double.parseDouble(f[i]));
                }
            }
            out.computeIfAbsent(f[0], k -> new LinkedHashMap<>())
                    .put(f[1], p.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return out;
    }

    /** The largest difference between two probability vectors of the same length. */
    public static double largestDifference(double[] expected, float[] actual) {
        assertThat(actual).as("classes").hasSize(expected.length);
        double worst = 0;
        for (int c = 0; c < expected.length; c++) {
            worst = Math.max(worst, Math.abs(expected[c] - actual[c]));
        }
        return worst;
    }
}
