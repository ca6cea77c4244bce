package io.mnist.api.keras;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a Keras layer's variables in an HDF5 weights file, in one of the two layouts Keras writes, and reads them
 * after checking their shape against the network's, so that a dataset is never read at a size the network does not
 * need.
 *
 * <ul>
 *   <li>Legacy {@code .h5}: {@code model_weights/<layer name>/} with a {@code weight_names} attribute whose entries
 *       differ by version ({@code conv2d_1/kernel:0} in 2.x, {@code kernel} in 3.1, {@code sequential/dense/kernel}
 *       from 3.3); each is resolved relative to the layer's group, dropping leading parts until it is found.</li>
 *   <li>{@code .keras} ({@code model.weights.h5}): {@code layers/<snake_case class name>[_n]/vars/<i>}, numbered by
 *       class and order rather than by the layer's name (Keras 2.13 writes {@code _layer_checkpoint_dependencies}
 *       for {@code layers}). The groups of one class are matched to that class's layers in order of their number.</li>
 * </ul>
 */
abstract class KerasWeightFile {
    final String source;

    KerasWeightFile(String source) {
        this.source = source;
    }

    /**
     * The values of {@code part} of {@code ref}'s layer, row-major.
     *
     * @param expected the shape the network needs, Keras' layout
     * @throws KerasImportException if the variable is missing, has another shape or is not floating point
     */
    abstract float[] read(KerasLayerMapping.WeightRef ref, String part, int[] expected) throws KerasImportException;

    /** The legacy layout of {@code model.save("x.h5")}. */
    static KerasWeightFile legacy(Group modelWeights, String source) {
        return new Legacy(modelWeights, source);
    }

    /** The layout of {@code model.weights.h5} in a {@code .keras} archive. */
    static KerasWeightFile archive(Group root, List<KerasLayerMapping.WeightRef> refs, String source)
            throws KerasImportException {
        return new Archive(root, refs, source);
    }

    float[] values(Dataset d, int[] expected, String what) throws KerasImportException {
        int[] dims = d.isScalar() ? new int[0] : d.getDimensions();
        if (!Arrays.equals(dims, expected)) {
            throw new KerasImportException(source + ": " + what + " has shape " + Arrays.toString(dims)
                    + " but the layer's config needs " + Arrays.toString(expected)
                    + "; the weights do not belong to this architecture");
        }
        Class<?> type = d.getJavaType();
        if (type != float.class && type != double.class && type != Float.class && type != Double.class) {
            throw new KerasImportException(source + ": " + what + " holds " + type.getSimpleName()
                    + " values, not floating point numbers");
        }
        Object data = d.getDataFlat();
        if (data instanceof float[] f) {
            return f;
        }
        if (data instanceof double[] v) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return f;
        }
        throw new KerasImportException(source + ": " + what + " could not be read as numbers ("
                + (data == null ? "nothing" : data.getClass().getSimpleName()) + ")");
    }

    static Node child(Group group, String name) {
        return group.getChildren().get(name);
    }

    private static final class Legacy extends KerasWeightFile {
        private static final Pattern SUFFIX = Pattern.compile(":\\d+$");
        private final Group modelWeights;
        private final Map<String, Map<String, Dataset>> byLayer = new HashMap<>();

        Legacy(Group modelWeights, String source) {
            super(source);
            this.modelWeights = modelWeights;
        }

        @Override
        float[] read(KerasLayerMapping.WeightRef ref, String part, int[] expected) throws KerasImportException {
            Map<String, Dataset> vars = byLayer.get(ref.layer().name());
            if (vars == null) {
                vars = variables(ref.layer());
                byLayer.put(ref.layer().name(), vars);
                if (vars.size() != ref.parts().size()) {
                    throw new KerasImportException(source + ": " + ref.layer().describe() + " has " + vars.size()
                            + " weight tensors " + vars.keySet() + " but its config needs " + ref.parts().size() + " "
                            + ref.parts());
                }
            }
            Dataset d = vars.get(part);
            if (d == null) {
                throw new KerasImportException(source + ": " + ref.layer().describe() + " has no '" + part
                        + "' weights (it has " + vars.keySet() + ")");
            }
            return values(d, expected, ref.layer().describe() + " weights '" + d.getPath() + "'");
        }

        private Map<String, Dataset> variables(KerasLayer layer) throws KerasImportException {
            Node node = child(modelWeights, layer.name());
            if (!(node instanceof Group group)) {
                throw new KerasImportException(source + ": the weights of " + layer.describe() + " are missing (no"
                        + " group model_weights/" + layer.name() + ")");
            }
            Map<String, Dataset> out = new LinkedHashMap<>();
            Attribute names = group.getAttribute("weight_names");
            Object data = names == null ? null : names.getData();
            if (data instanceof String[] list) {
                for (String name : list) {
                    Dataset d = resolve(group, name);
                    if (d == null) {
                        throw new KerasImportException(source + ": " + layer.describe() + " lists weight '" + name
                                + "' but its group holds no such dataset");
                    }
                    put(out, name, d, layer);
                }
            } else {
                collect(group, out, layer);
            }
            return out;
        }

        /** {@code name} relative to the layer's group, dropping leading parts ({@code sequential/dense/kernel}). */
        private static Dataset resolve(Group group, String name) {
            String path = name;
            while (true) {
                Node n = find(group, path);
                if (n instanceof Dataset d) {
                    return d;
                }
                int slash = path.indexOf('/');
                if (slash < 0) {
                    return null;
                }
                path = path.substring(slash + 1);
            }
        }

        private static Node find(Group group, String path) {
            Node at = group;
            for (String part : path.split("/")) {
                if (!(at instanceof Group g)) {
                    return null;
                }
                at = child(g, part);
                if (at == null) {
                    return null;
                }
            }
            return at;
        }

        private void collect(Group group, Map<String, Dataset> out, KerasLayer layer) throws KerasImportException {
            for (Node n : group.getChildren().values()) {
                if (n instanceof Group g) {
                    collect(g, out, layer);
                } else if (n instanceof Dataset d) {
                    put(out, d.getName(), d, layer);
                }
            }
        }

        private void put(Map<String, Dataset> out, String name, Dataset d, KerasLayer layer)
                throws KerasImportException {
            String last = name.substring(name.lastIndexOf('/') + 1);
            Matcher m = SUFFIX.matcher(last);
            String key = m.replaceFirst("").toLowerCase(Locale.ROOT);
            if (out.put(key, d) != null) {
                throw new KerasImportException(source + ": " + layer.describe() + " has two weight tensors named '"
                        + key + "'");
            }
        }
    }

    private static final class Archive extends KerasWeightFile {
        private final Map<KerasLayer, Group> vars = new HashMap<>();

        Archive(Group root, List<KerasLayerMapping.WeightRef> refs, String source) throws KerasImportException {
            super(source);
            Node layersNode = child(root, "layers");
            if (layersNode == null) {
                layersNode = child(root, "_layer_checkpoint_dependencies");
            }
            if (!(layersNode instanceof Group layers)) {
                throw new KerasImportException(source + ": model.weights.h5 holds no 'layers' group; it is not the"
                        + " weights of a Keras model");
            }
            Map<String, List<KerasLayer>> byClass = new LinkedHashMap<>();
            for (KerasLayerMapping.WeightRef ref : refs) {
                List<KerasLayer> same = byClass.computeIfAbsent(snakeCase(ref.layer().className()), k -> new ArrayList<>());
                if (!same.contains(ref.layer())) {
                    same.add(ref.layer());
                }
            }
            for (Map.Entry<String, List<KerasLayer>> e : byClass.entrySet()) {
                String base = e.getKey();
                Pattern numbered = Pattern.compile(Pattern.quote(base) + "(?:_(\\d+))?");
                List<Map.Entry<Long, Group>> groups = new ArrayList<>();
                for (Map.Entry<String, Node> c : layers.getChildren().entrySet()) {
                    Matcher m = numbered.matcher(c.getKey());
                    if (m.matches() && c.getValue() instanceof Group g && child(g, "vars") instanceof Group v
                            && !v.getChildren().isEmpty()) {
                        groups.add(Map.entry(m.group(1) == null ? 0L : Long.parseLong(m.group(1)), v));
                    }
                }
                groups.sort(Map.Entry.comparingByKey());
                List<KerasLayer> wanted = e.getValue();
                if (groups.size() != wanted.size()) {
                    throw new KerasImportException(source + ": the config has " + wanted.size() + " " + base
                            + " layers with weights but model.weights.h5 holds weights for " + groups.size());
                }
                for (int i = 0; i < wanted.size(); i++) {
                    vars.put(wanted.get(i), groups.get(i).getValue());
                }
            }
        }

        @Override
        float[] read(KerasLayerMapping.WeightRef ref, String part, int[] expected) throws KerasImportException {
            Group group = vars.get(ref.layer());
            if (group.getChildren().size() != ref.parts().size()) {
                throw new KerasImportException(source + ": " + ref.layer().describe() + " has "
                        + group.getChildren().size() + " weight tensors in model.weights.h5 (" + group.getPath()
                        + ") but its config needs " + ref.parts().size() + " " + ref.parts());
            }
            int index = ref.parts().indexOf(part);
            Node n = child(group, String.valueOf(index));
            if (!(n instanceof Dataset d)) {
                throw new KerasImportException(source + ": " + ref.layer().describe() + " has no variable " + index
                        + " (" + part + ") in " + group.getPath());
            }
            return values(d, expected, ref.layer().describe() + " " + part + " ('" + d.getPath() + "')");
        }
    }

    /** Keras' own naming of a class in {@code .keras} files: {@code MaxPooling2D} becomes {@code max_pooling2d}. */
    static String snakeCase(String className) {
        String s = className.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
