package io.mnist.api.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Attribute;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.mnist.api.ImportSource;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.data.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads Keras model files into {@link NetworkSpec} + {@link NetworkWeights}, with no engine: the legacy HDF5 file of
 * {@code model.save("x.h5")} (Keras 2 and 3) and the {@code .keras} archive of {@code model.save("x.keras")} (Keras 3,
 * and Keras 2.13's variant). The kind is recognised from the content, not the file name.
 *
 * <pre>{@code
 * KerasModel model = KerasModels.read(Path.of("mnist_model.keras"), KerasImportOptions.defaults());
 * NetworkWeights weights = model.weights();   // runs on any backend: DigitBackend.fromWeights
 * }</pre>
 *
 * <p><b>What is supported.</b> A {@code Sequential} model, or a functional model that is a single chain, of:
 * {@code InputLayer} of shape {@code (28, 28, 1)}, {@code (28, 28)} or {@code (784,)}; at the input, {@code Reshape}
 * to one of those and {@code Rescaling} by one positive factor without offset; {@code Conv2D} (channels-last,
 * dilation 1, one group, {@code valid} or {@code same}, any strides; without a bias the bias is zero);
 * {@code MaxPooling2D} and {@code AveragePooling2D} (strides default to the pool size); {@code BatchNormalization}
 * over the last axis (without {@code center} beta is 0, without {@code scale} gamma is 1); {@code Dense};
 * {@code Dropout}; {@code Flatten}; activations linear, relu, sigmoid, tanh and softmax (last layer), also as
 * standalone {@code Activation}, {@code ReLU} and {@code Softmax} layers right after a linear {@code Conv2D} or
 * {@code Dense} layer or a {@code BatchNormalization} (with {@code Dropout} between or not), which they join:
 * {@code Conv2D(linear) -> BatchNormalization -> Activation('relu')} becomes a linear convolution and a batch
 * normalisation with relu. Softmax joins only the last {@code Dense} layer. The model must end in a softmax
 * {@code Dense} layer of at least 10 units (units 0-9 the digits). Anything else is refused with
 * {@link UnsupportedKerasModelException}, naming the layer, the option and its value.
 *
 * <p><b>Input scale.</b> A Keras file does not record whether its notebook fed pixels in [0, 1] or raw 0-255
 * values. {@link KerasImportOptions#inputScale()} says which (1 or 255); by default it is 255 when the model begins
 * with {@code Rescaling(1/255)} (such a model is fed 0-255 pixels and divides them itself), else 1. The Rescaling
 * layer is not kept as a layer: it folds into {@link NetworkSpec#inputScale()}, which is the Keras input scale times
 * the Rescaling factor. So {@code Rescaling(1/255)} with the default gives a network of input scale 1 (the layers
 * after the Rescaling see the same numbers as in Keras); a model trained on raw pixels without a Rescaling layer
 * needs {@code inputScale 255} and gets a network of input scale 255. The scale the import assumed is recorded in
 * {@link KerasModel#source()} and so in a saved model's manifest.
 *
 * <p><b>Limits.</b> Nothing is read at the size a file declares: a weight dataset whose shape differs from what its
 * layer's config needs is refused before it is read, networks of more than
 * {@value KerasLayerMapping#MAX_PARAMETERS} parameters are refused, and in a {@code .keras} archive
 * {@code config.json} may hold at most {@value #MAX_CONFIG_BYTES} bytes and {@code model.weights.h5} at most what
 * the network and its optimizer state could need ({@value #WEIGHTS_FILE_FACTOR} bytes per parameter plus
 * {@value #WEIGHTS_FILE_SLACK} bytes).
 */
public final class KerasModels {
    static {
        // jHDF logs at INFO on every dataset it reads (dozens of lines per model file): quiet like an engine's
        // start-up loggers, before any of its classes makes a logger.
        io.mnist.api.spi.EngineLogs.quiet("io.jhdf");
    }

    /** The most a model config (JSON) may hold, in bytes. */
    public static final int MAX_CONFIG_BYTES = 4 << 20;
    /** Bytes per parameter a {@code .keras} archive's weights file may hold: float32 weights and optimizer slots. */
    public static final int WEIGHTS_FILE_FACTOR = 16;
    /** Bytes a {@code .keras} archive's weights file may hold beyond that: HDF5 structure, optimizer scalars. */
    public static final int WEIGHTS_FILE_SLACK = 4 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};

    private KerasModels() {
    }

    /**
     * Reads a Keras model file.
     *
     * @param file    a {@code .h5} or {@code .keras} file written by Keras' {@code model.save}
     * @param options the input scale ({@link KerasImportOptions#backend()} is not used here)
     * @return the network, its weights and where it came from
     * @throws NoSuchFileException            if there is no file at {@code file}
     * @throws UnsupportedKerasModelException if the model uses a layer, option or shape that cannot be imported
     * @throws KerasImportException           if the file is not a Keras model (not HDF5 nor a {@code .keras} archive,
     *                                        weights only), is damaged or truncated, or its weights do not fit its
     *                                        architecture
     * @throws IOException                    if the file cannot be read
     */
    public static KerasModel read(Path file, KerasImportOptions options) throws IOException {
        java.util.Objects.requireNonNull(options, "options");
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no Keras model file there");
        }
        if (Files.isDirectory(file)) {
            throw new KerasImportException(file + " is a directory, not a Keras model file (a SavedModel folder"
                    + " cannot be imported; save the model with model.save(\"model.keras\") or \"model.h5\")");
        }
        if (!Files.isRegularFile(file)) {
            // Opening a FIFO for reading blocks until a writer comes: it must never be opened.
            throw new KerasImportException(file + " is not a regular file (a FIFO, socket or device), not a Keras model"
                    + " file; only regular files are read");
        }
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String source = file.getFileName().toString();
        if (n == head.length && Arrays.equals(head, HDF5_SIGNATURE)) {
            return legacy(file, source, options);
        }
        if (n >= 4 && Arrays.equals(Arrays.copyOf(head, 4), ZIP_SIGNATURE)) {
            return archive(file, source, options);
        }
        throw new KerasImportException(source + " is not a Keras model file: it is neither HDF5 (.h5, from"
                + " model.save(\"x.h5\")) nor a .keras archive" + (n == 0 ? " (it is empty)" : ""));
    }

    /**
     * Reads a Keras model file's network and weights; as {@link #read}, without the provenance.
     *
     * @param file    a {@code .h5} or {@code .keras} file written by Keras' {@code model.save}
     * @param options the input scale
     * @return the network and its weights
     * @throws NoSuchFileException            if there is no file at {@code file}
     * @throws UnsupportedKerasModelException if the model uses a layer, option or shape that cannot be imported
     * @throws KerasImportException           if the file is not a Keras model, is damaged, or its weights do not fit
     * @throws IOException                    if the file cannot be read
     */
    public static NetworkWeights readWeights(Path file, KerasImportOptions options) throws IOException {
        return read(file, options).weights();
    }

    private static KerasModel legacy(Path file, String source, KerasImportOptions options) throws IOException {
        try (HdfFile hdf = new HdfFile(file)) {
            requireWhole(hdf, source);
            String config = text(hdf, "model_config", source);
            if (config == null) {
                throw new KerasImportException(source + " is an HDF5 file without a model_config: it holds weights"
                        + " only (model.save_weights) or is not from Keras. Save the whole model with"
                        + " model.save(\"x.h5\") or model.save(\"x.keras\").");
            }
            if (config.length() > MAX_CONFIG_BYTES) {
                throw new KerasImportException(source + ": its model_config holds " + config.length()
                        + " characters, more than the " + MAX_CONFIG_BYTES + " a model of this kind needs");
            }
            KerasLayerMapping.Mapped mapped = KerasLayerMapping.map(KerasConfig.parse(config, source), source);
            Node weights = KerasWeightFile.child(hdf, "model_weights");
            if (!(weights instanceof Group group)) {
                throw new KerasImportException(source + " holds a model config but no model_weights group: the"
                        + " model was saved without weights");
            }
            String version = text(hdf, "keras_version", source);
            if (version == null) {
                version = text(group, "keras_version", source);
            }
            return build(mapped, KerasWeightFile.legacy(group, source), options,
                    new Provenance("keras-h5", source, version), file);
        } catch (RuntimeException e) {
            throw damaged(source, e);
        }
    }

    private static KerasModel archive(Path file, String source, KerasImportOptions options) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String config = new String(entry(zip, "config.json", MAX_CONFIG_BYTES, source), StandardCharsets.UTF_8);
            String version = null;
            if (zip.getEntry("metadata.json") != null) {
                JsonNode metadata = json(entry(zip, "metadata.json", 64 << 10, source), "metadata.json", source);
                version = metadata.path("keras_version").isTextual() ? metadata.path("keras_version").asText() : null;
            }
            KerasLayerMapping.Mapped mapped = KerasLayerMapping.map(KerasConfig.parse(config, source), source);
            long parameters = 0;
            int[] shape = {NetworkSpec.INPUT_SIZE, NetworkSpec.INPUT_SIZE, 1};
            for (NetworkSpec.Layer layer : mapped.layers()) {
                parameters += layer.parameterCount(shape);
                shape = layer.outputShape(shape);
            }
            long limit = parameters * WEIGHTS_FILE_FACTOR + WEIGHTS_FILE_SLACK;
            byte[] weights = entry(zip, "model.weights.h5", limit, source);
            try (HdfFile hdf = HdfFile.fromBytes(weights)) {
                requireWhole(hdf, source + " (model.weights.h5)");
                KerasWeightFile store = KerasWeightFile.archive(hdf, mapped.weights(), source);
                return build(mapped, store, options, new Provenance("keras", source, version), file);
            }
        } catch (ZipException e) {
            throw new KerasImportException(source + " is damaged or truncated: its zip archive cannot be read ("
                    + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw damaged(source, e);
        }
    }

    private record Provenance(String format, String file, String kerasVersion) {
    }

    private static KerasModel build(KerasLayerMapping.Mapped mapped, KerasWeightFile store,
                                    KerasImportOptions options, Provenance provenance, Path file)
            throws IOException {
        double kerasScale = options.inputScale() != null ? options.inputScale()
                : Math.abs(mapped.rescale() * 255 - 1) < 1e-6 ? 255 : 1;
        double scale = kerasScale * mapped.rescale();
        if (Math.abs(scale - 1) < 1e-6) {
            scale = 1;
        } else if (Math.abs(scale - 255) < 1e-4) {
            scale = 255;
        }
        NetworkSpec spec;
        try {
            spec = new NetworkSpec(mapped.layers(), NetworkSpec.Initializer.GLOROT_UNIFORM, scale);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedKerasModelException(provenance.file() + ": " + e.getMessage());
        }
        List<NetworkWeights.Tensor> tensors = new ArrayList<>();
        Map<Integer, KerasLayerMapping.WeightRef> refs = new java.util.HashMap<>();
        for (KerasLayerMapping.WeightRef ref : mapped.weights()) {
            refs.put(ref.specIndex(), ref);
        }
        for (NetworkWeights.Tensor t : NetworkWeights.shapes(spec)) {
            int dot = t.name().indexOf('.');
            KerasLayerMapping.WeightRef ref = refs.get(Integer.parseInt(t.name().substring(0, dot)));
            String part = kerasPart(t.name().substring(dot + 1));
            float[] values;
            if (ref.parts().contains(part)) {
                values = store.read(ref, part, t.shape());
            } else {
                values = new float[t.values().length];
                if (part.equals("gamma")) {
                    Arrays.fill(values, 1f);
                }
            }
            tensors.add(new NetworkWeights.Tensor(t.name(), t.shape(), values));
        }
        String producer = "Keras " + (provenance.kerasVersion() == null ? "(version not recorded)"
                : provenance.kerasVersion());
        ImportSource source = new ImportSource(provenance.format(), provenance.file(), producer, Sha256.hex(file),
                kerasScale);
        List<String> notes = new ArrayList<>(mapped.notes());
        notes.add(String.format(Locale.ROOT, "input scale: the Keras model is fed %s; the network's input scale is %s",
                kerasScale == 255 ? "0-255 pixels" : "pixels in [0, 1]", fmt(scale)));
        return new KerasModel(new NetworkWeights(spec, tensors), source, notes);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String kerasPart(String part) {
        return switch (part) {
            case "weight" -> "kernel";
            case "movingMean" -> "moving_mean";
            case "movingVariance" -> "moving_variance";
            default -> part;
        };
    }

    /** A string attribute of {@code node}, or null if it is absent. */
    private static String text(Node node, String name, String source) throws KerasImportException {
        Attribute a = node.getAttributes().get(name);
        if (a == null) {
            return null;
        }
        if (a.getSizeInBytes() > MAX_CONFIG_BYTES) {
            throw new KerasImportException(source + ": attribute " + name + " holds " + a.getSizeInBytes()
                    + " bytes, more than the " + MAX_CONFIG_BYTES + " a model of this kind needs");
        }
        Object data = a.getData();
        if (data instanceof String[] list && list.length == 1) {
            data = list[0];
        }
        if (data instanceof byte[] bytes) {
            data = new String(bytes, StandardCharsets.UTF_8);
        }
        if (!(data instanceof String s)) {
            throw new KerasImportException(source + ": attribute " + name + " is not text");
        }
        return s;
    }

    /** An archive entry's bytes, refusing more than {@code limit} whatever the archive declares. */
    private static byte[] entry(ZipFile zip, String name, long limit, String source) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new KerasImportException(source + " is a zip archive without " + name + ": not a .keras model file"
                    + " (a .keras file holds config.json and model.weights.h5)");
        }
        int cap = (int) Math.min(limit, Integer.MAX_VALUE - 16);
        if (e.getSize() > cap) {
            throw new KerasImportException(source + ": " + name + " declares " + e.getSize() + " bytes, more than the "
                    + cap + " this network needs");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] bytes = in.readNBytes(cap + 1);
            if (bytes.length > cap) {
                throw new KerasImportException(source + ": " + name + " holds more than the " + cap
                        + " bytes this network needs");
            }
            return bytes;
        } catch (ZipException | java.io.EOFException ex) {
            // A damaged central directory can point an entry past the end of the file: EOFException, no message.
            throw new KerasImportException(source + " is damaged or truncated: " + name + " cannot be read ("
                    + (ex.getMessage() == null ? "it ends before the entry's data" : ex.getMessage()) + ")", ex);
        }
    }

    private static JsonNode json(byte[] bytes, String name, String source) throws KerasImportException {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new KerasImportException(source + " has a damaged " + name + " (not JSON)", e);
        }
    }

    /**
     * Refuses an HDF5 file shorter than its superblock says it is: a truncated copy may still hold the layers' weights
     * (Keras writes the optimizer's after them) but is damaged all the same.
     */
    private static void requireWhole(HdfFile hdf, String source) throws KerasImportException {
        Superblock superblock = hdf.getHdfBackingStorage().getSuperblock();
        long declared = superblock.getBaseAddressByte() + superblock.getEndOfFileAddress();
        long size = hdf.getHdfBackingStorage().size();
        if (declared > size) {
            throw new KerasImportException(source + " is damaged or truncated: it holds " + size + " bytes but its"
                    + " HDF5 header says " + declared + ". Copy or save the model again.");
        }
    }

    private static KerasImportException damaged(String source, RuntimeException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new KerasImportException(source + " is damaged or truncated: its HDF5 data cannot be read (" + why
                + ")", e);
    }
}
