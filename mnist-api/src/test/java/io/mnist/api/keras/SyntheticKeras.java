package io.mnist.api.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Small Keras-shaped files written with jHDF in the two layouts Keras uses, for tests of what real files rarely show:
 * options, layers and damage. Configs are written as Keras writes them; weights are random.
 */
final class SyntheticKeras {
    private SyntheticKeras() {
    }

    /** A Sequential config of {@code layers} (each a {@code {"class_name": ..., "config": ...}} object). */
    static String sequential(String... layers) {
        return "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", \"layers\": ["
                + String.join(", ", layers) + "]}}";
    }

    static String input(String shape) {
        return layer("InputLayer", "input_layer", "\"batch_shape\": [null, " + shape + "]");
    }

    static String layer(String className, String name, String options) {
        return "{\"class_name\": \"" + className + "\", \"config\": {\"name\": \"" + name + "\""
                + (options.isEmpty() ? "" : ", " + options) + "}}";
    }

    static String dense(String name, int units, String activation) {
        return layer("Dense", name, "\"units\": " + units + ", \"activation\": \"" + activation + "\", \"use_bias\": true");
    }

    /**
     * A legacy {@code .h5}: {@code model_config} and {@code model_weights/<layer>/} with {@code weight_names}
     * ({@code prefix + name}, e.g. {@code "sequential/dense/"} as Keras 3.3+ writes them) and the datasets at those
     * paths relative to the layer's group.
     *
     * @param weights layer name to weight name ({@code kernel}, {@code bias}, ...) to a float array of any rank
     */
    static Path legacy(Path file, String config, Map<String, Map<String, Object>> weights, String prefix) {
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            if (config != null) {
                hdf.putAttribute("model_config", config);
            }
            hdf.putAttribute("keras_version", "3.4.1");
            hdf.putAttribute("backend", "tensorflow");
            WritableGroup root = hdf.putGroup("model_weights");
            root.putAttribute("layer_names", weights.keySet().toArray(String[]::new));
            for (Map.Entry<String, Map<String, Object>> layer : weights.entrySet()) {
                WritableGroup g = root.putGroup(layer.getKey());
                String[] names = layer.getValue().keySet().stream().map(n -> prefix + n).toArray(String[]::new);
                if (names.length > 0) {
                    g.putAttribute("weight_names", names);
                }
                for (Map.Entry<String, Object> w : layer.getValue().entrySet()) {
                    WritableGroup at = g;
                    for (String part : prefix.split("/")) {
                        if (!part.isEmpty()) {
                            at = at.getChild(part) instanceof WritableGroup existing ? existing : at.putGroup(part);
                        }
                    }
                    at.putDataset(w.getKey(), w.getValue());
                }
            }
        }
        return file;
    }

    /**
     * A {@code .keras} archive: {@code metadata.json}, {@code config.json} and {@code model.weights.h5} with
     * {@code layers/<group>/vars/<i>}.
     *
     * @param vars group name ({@code dense}, {@code conv2d_1}) to its variables in order
     */
    static Path archive(Path file, String config, Map<String, List<Object>> vars) throws IOException {
        return archive(file, config, vars, "layers");
    }

    /** As above, with the layers under {@code root} ({@code _layer_checkpoint_dependencies} in Keras 2.13). */
    static Path archive(Path file, String config, Map<String, List<Object>> vars, String root) throws IOException {
        Path h5 = Files.createTempFile(file.getParent(), "weights", ".h5");
        try {
            try (WritableHdfFile hdf = HdfFile.write(h5)) {
                WritableGroup layers = hdf.putGroup(root);
                for (Map.Entry<String, List<Object>> e : vars.entrySet()) {
                    WritableGroup v = layers.putGroup(e.getKey()).putGroup("vars");
                    for (int i = 0; i < e.getValue().size(); i++) {
                        v.putDataset(String.valueOf(i), e.getValue().get(i));
                    }
                }
            }
            try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
                put(zip, "metadata.json", "{\"keras_version\": \"3.4.1\", \"date_saved\": \"2026-01-01@00:00:00\"}"
                        .getBytes(StandardCharsets.UTF_8));
                put(zip, "config.json", config.getBytes(StandardCharsets.UTF_8));
                put(zip, "model.weights.h5", Files.readAllBytes(h5));
            }
        } finally {
            Files.deleteIfExists(h5);
        }
        return file;
    }

    static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    static float[] vector(int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() - 0.5);
        }
        return v;
    }

    static float[][] matrix(int rows, int cols, SplittableRandom random) {
        float[][] m = new float[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = vector(cols, random);
        }
        return m;
    }

    static float[][][][] kernel(int kh, int kw, int in, int out, SplittableRandom random) {
        float[][][][] k = new float[kh][kw][in][];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                for (int c = 0; c < in; c++) {
                    k[i][j][c] = vector(out, random);
                }
            }
        }
        return k;
    }

    /** Weights of one layer: names to arrays, in order. */
    static Map<String, Object> weights(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put((String) nameValue[i], nameValue[i + 1]);
        }
        return m;
    }
}
