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

    /**
     * Keras files made for this project's tests where no real file shows a supported pattern, in the contract kit's
     * resources ({@code io/mnist/api/contract/keras/}): written without Keras in the layout Keras writes, their
     * expected outputs (for the same {@link #inputs()}) computed by an independent numpy forward pass, both by
     * {@code mnist-api/src/test/python/make_keras_bn_activation.py}. {@code bn-activation-keras2.h5}: a Keras 2
     * legacy file with {@code Conv2D(linear) -> BatchNormalization -> Activation('relu')}, the same with tanh, and
     * {@code Dense(linear) -> BatchNormalization -> ReLU() -> Dropout}.
     */
    public static List<String> madeModels() {
        return List.of("bn-activation-keras2.h5");
    }

    /**
     * A model file by name: one of {@link #models()} in {@link #directory()}, or one of {@link #madeModels()} copied
     * from the test resources into a new temporary folder under its own name (the test-jar holds it in a jar).
     */
    public static Path path(String name) throws IOException {
        if (!madeModels().contains(name)) {
            return directory().resolve(name);
        }
        Path dir = Files.createTempDirectory("mnist-keras-fixture-");
        Path file = dir.resolve(name);
        try (java.io.InputStream in = resource(name)) {
            Files.copy(in, file);
        }
        file.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return file;
    }

    /** For one model of {@link #models()} or {@link #madeModels()}, each input's expected probabilities, in order. */
    public static List<double[]> expected(String name) throws IOException {
        if (!madeModels().contains(name)) {
            return List.copyOf(expected().get(name).values());
        }
        String csv = name.substring(0, name.lastIndexOf('-')) + "-expected-outputs.csv";
        List<String> lines;
        try (java.io.InputStream in = resource(csv)) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        assertThat(lines.get(0)).startsWith("model,input,p0,");
        List<double[]> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertThat(f[0]).isEqualTo(name);
            out.add(Stream.of(f).skip(2).mapToDouble(Double::parseDouble).toArray());
        }
        assertThat(out).as("one row per input").hasSize(INPUTS);
        return out;
    }

    private static java.io.InputStream resource(String name) {
        java.io.InputStream in = KerasFixtures.class.getResourceAsStream("keras/" + name);
        assertThat(in).as("resource keras/" + name + " beside " + KerasFixtures.class.getName()).isNotNull();
        return in;
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
