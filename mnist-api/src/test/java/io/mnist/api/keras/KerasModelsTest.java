package io.mnist.api.keras;

import static io.mnist.api.keras.SyntheticKeras.dense;
import static io.mnist.api.keras.SyntheticKeras.input;
import static io.mnist.api.keras.SyntheticKeras.kernel;
import static io.mnist.api.keras.SyntheticKeras.layer;
import static io.mnist.api.keras.SyntheticKeras.matrix;
import static io.mnist.api.keras.SyntheticKeras.sequential;
import static io.mnist.api.keras.SyntheticKeras.vector;
import static io.mnist.api.keras.SyntheticKeras.weights;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkSpec.Activation;
import io.mnist.api.NetworkWeights;
import io.mnist.api.contract.KerasFixtures;
import io.mnist.api.contract.ReferenceNetwork;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the Keras reader accepts, maps and refuses, on small files written as Keras writes them, and on damage. */
class KerasModelsTest {
    private static final KerasImportOptions DEFAULTS = KerasImportOptions.defaults();
    private final SplittableRandom random = new SplittableRandom(7);

    @TempDir
    Path dir;

    private Path denseModel(String name, String config, int inputs, int units) {
        return SyntheticKeras.legacy(dir.resolve(name), config, Map.of("dense", weights(
                "kernel", matrix(inputs, units, random), "bias", vector(units, random))), "");
    }

    @Test
    void refusesAFileThatIsNeitherHdf5NorAnArchive() throws IOException {
        Path file = Files.writeString(dir.resolve("model.h5"), "this is a notebook's text, not a model");
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS)).isExactlyInstanceOf(KerasImportException.class)
                .hasMessageContaining("model.h5 is not a Keras model file");
        Path empty = Files.write(dir.resolve("empty.keras"), new byte[0]);
        assertThatThrownBy(() -> KerasModels.read(empty, DEFAULTS)).isExactlyInstanceOf(KerasImportException.class)
                .hasMessageContaining("(it is empty)");
        assertThatThrownBy(() -> KerasModels.read(dir.resolve("absent.h5"), DEFAULTS))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void refusesTruncatedFilesAsDamaged() throws IOException {
        for (String name : List.of("Moonflower2022_MNIST-models__mnist_model.h5",
                "Moonflower2022_MNIST-models__mnist_model.keras")) {
            byte[] whole = Files.readAllBytes(KerasFixtures.directory().resolve(name));
            Path cut = Files.write(dir.resolve("cut-" + name), Arrays.copyOf(whole, whole.length / 2));
            assertThatThrownBy(() -> KerasModels.read(cut, DEFAULTS)).as(name)
                    .isExactlyInstanceOf(KerasImportException.class)
                    .hasMessageContaining("cut-" + name + " is damaged or truncated");
        }
    }

    @Test
    void readsOnlyRegularFiles() throws Exception {
        Path fifo = dir.resolve("fifo.h5");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mkfifo.waitFor(60, TimeUnit.SECONDS) && mkfifo.exitValue() == 0) {
            // Opening a FIFO for reading blocks until a writer comes: it must never be opened.
            assertThatThrownBy(() -> KerasModels.read(fifo, DEFAULTS)).isExactlyInstanceOf(KerasImportException.class)
                    .hasMessageContaining("not a regular file");
        }
    }

    @Test
    void refusesAnArchiveWhoseDirectoryPointsPastItsEndAsDamaged() throws IOException {
        Path file = SyntheticKeras.archive(dir.resolve("pointer.keras"), sequential(input("28, 28"),
                layer("Flatten", "flatten", ""), dense("output", 10, "softmax")),
                Map.of("dense", List.of(matrix(784, 10, random), vector(10, random))));
        // A flipped bit in the central directory: model.weights.h5's local header offset now points past the end.
        ByteBuffer zip = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = "model.weights.h5".getBytes(StandardCharsets.US_ASCII);
        boolean patched = false;
        for (int i = 0; i + 46 + name.length <= zip.limit() && !patched; i++) {
            if (zip.getInt(i) == 0x02014b50 && zip.getShort(i + 28) == name.length
                    && Arrays.equals(Arrays.copyOfRange(zip.array(), i + 46, i + 46 + name.length), name)) {
                zip.putInt(i + 42, zip.limit() - 4);
                patched = true;
            }
        }
        assertThat(patched).isTrue();
        Files.write(file, zip.array());
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS)).isExactlyInstanceOf(KerasImportException.class)
                .hasMessageContaining("pointer.keras is damaged or truncated: model.weights.h5 cannot be read");
    }

    @Test
    void refusesAnHdf5FileOfWeightsOnly() {
        Path file = denseModel("weights.h5", null, 784, 10);
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS)).isExactlyInstanceOf(KerasImportException.class)
                .hasMessageContaining("weights only (model.save_weights)");
    }

    @Test
    void refusesAnUnsupportedLayerNamingIt() {
        Path file = denseModel("lstm.h5", sequential(input("28, 28"),
                layer("LSTM", "lstm", "\"units\": 64"), dense("dense", 10, "softmax")), 64, 10);
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageStartingWith("lstm.h5: layer 'lstm' (LSTM) is not supported.");
    }

    @Test
    void refusesANetworkTheModelFileLimitsWouldNotLoadAgain() {
        // 300 dropout layers import into 300 spec layers: a model file over ModelLimits.maxLayers (256) would be
        // saved and then refused on load, so the import refuses it first, naming the limit.
        String[] layers = new String[302];
        layers[0] = input("784");
        for (int i = 1; i <= 300; i++) {
            layers[i] = layer("Dropout", "dropout_" + i, "\"rate\": 0.1");
        }
        layers[301] = dense("dense", 10, "softmax");
        Path deep = denseModel("deep.h5", sequential(layers), 784, 10);
        assertThatThrownBy(() -> KerasModels.read(deep, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("more than 256 layers").hasMessageContaining("maxLayers");
    }

    @Test
    void refusesAnUnsupportedOptionNamingItsValue() {
        Path dilated = denseModel("dilated.h5", sequential(input("28, 28, 1"), layer("Conv2D", "conv",
                "\"filters\": 4, \"kernel_size\": [3, 3], \"dilation_rate\": [2, 2], \"activation\": \"relu\""),
                layer("Flatten", "flatten", ""), dense("dense", 10, "softmax")), 2304, 10);
        assertThatThrownBy(() -> KerasModels.read(dilated, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessage("dilated.h5: layer 'conv' (Conv2D) cannot be imported: option dilation_rate=[2,2] (only 1)");
        Path elu = denseModel("elu.h5", sequential(input("784"), dense("dense", 10, "elu")), 784, 10);
        assertThatThrownBy(() -> KerasModels.read(elu, DEFAULTS))
                .hasMessageContaining("layer 'dense' (Dense) cannot be imported: option activation=elu");
        Path first = denseModel("first.h5", sequential(input("28, 28, 1"), layer("Conv2D", "conv",
                "\"filters\": 4, \"kernel_size\": 3, \"data_format\": \"channels_first\""),
                layer("Flatten", "flatten", ""), dense("dense", 10, "softmax")), 2704, 10);
        assertThatThrownBy(() -> KerasModels.read(first, DEFAULTS))
                .hasMessageContaining("option data_format=channels_first (only channels_last)");
    }

    @Test
    void refusesAnInputOtherThanOneGreyImageNamingTheShape() {
        Path file = denseModel("rgb.h5", sequential(input("32, 32, 3"), layer("Flatten", "flatten", ""),
                dense("dense", 10, "softmax")), 3072, 10);
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("the input shape (32, 32, 3) is not supported");
    }

    @Test
    void refusesADenseLayerOnUnflattenedRows() {
        Path file = denseModel("rows.h5", sequential(input("28, 28"), dense("dense", 10, "softmax")), 28, 10);
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("a Dense layer on a (28, 28) input");
    }

    @Test
    void refusesAModelThatOutputsLogits() {
        Path file = denseModel("logits.h5", sequential(input("784"), dense("dense", 10, "linear")), 784, 10);
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("It outputs logits");
    }

    @Test
    void refusesWeightsOfTheWrongShapeBeforeReadingThem() {
        Path file = denseModel("shape.h5", sequential(input("784"), dense("dense", 10, "softmax")), 784, 9);
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS))
                .isExactlyInstanceOf(KerasImportException.class)
                .hasMessageContaining("has shape [784, 9] but the layer's config needs [784, 10]");
    }

    @Test
    void refusesAnArchiveWhoseWeightsAreLargerThanTheNetworkNeeds() throws IOException {
        Path file = dir.resolve("huge.keras");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            SyntheticKeras.put(zip, "config.json", sequential(input("784"), dense("dense", 10, "softmax"))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            // 7,850 parameters may need about 4 MB with optimizer state; 64 MB of zeros compress to almost nothing.
            SyntheticKeras.put(zip, "model.weights.h5", new byte[64 << 20]);
        }
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS)).isExactlyInstanceOf(KerasImportException.class)
                .hasMessageContaining("huge.keras: model.weights.h5")
                .hasMessageContaining("this network needs");
    }

    @Test
    void refusesABranchingFunctionalModel() {
        String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"batch_shape\": [null, 784],"
                + " \"name\": \"in\"}, \"inbound_nodes\": []},"
                + node("a", "in") + ", " + node("b", "in") + "],"
                + " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"b\", 0, 0]]}}";
        Path file = denseModel("branch.h5", config, 784, 10);
        assertThatThrownBy(() -> KerasModels.read(file, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("layer 'in' feeds both 'a' and 'b'");
    }

    /** A Keras 3 functional Dense layer called on {@code from}. */
    private static String node(String name, String from) {
        return "{\"class_name\": \"Dense\", \"name\": \"" + name + "\", \"config\": {\"name\": \"" + name + "\","
                + " \"units\": 10, \"activation\": \"softmax\"}, \"inbound_nodes\": [{\"args\": [{\"class_name\":"
                + " \"__keras_tensor__\", \"config\": {\"shape\": [null, 784], \"keras_history\": [\"" + from
                + "\", 0, 0]}}], \"kwargs\": {}}]}";
    }

    @Test
    void readsASingleChainFunctionalModelWithKeras33WeightNames() throws IOException {
        String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"batch_shape\": [null, 784],"
                + " \"name\": \"in\"}, \"inbound_nodes\": []}, " + node("dense", "in") + "],"
                + " \"input_layers\": [\"in\", 0, 0], \"output_layers\": [\"dense\", 0, 0]}}";
        float[][] kernel = matrix(784, 10, random);
        Path file = SyntheticKeras.legacy(dir.resolve("functional.h5"), config, Map.of("dense", weights(
                "kernel", kernel, "bias", vector(10, random))), "functional/dense/");
        KerasModel model = KerasModels.read(file, DEFAULTS);
        assertThat(model.network().layers()).containsExactly(new NetworkSpec.Flatten(),
                new NetworkSpec.Dense(10, Activation.SOFTMAX));
        assertThat(model.weights().tensors().get(0).values()).startsWith(kernel[0]);
        assertThat(model.source().producer()).isEqualTo("Keras 3.4.1");
    }

    /**
     * A model that starts with Rescaling(1/255) is fed 0-255 pixels; the Rescaling folds into the input scale, so by
     * default the network's input scale is 1 and it computes what the same layers do on [0, 1] pixels without one.
     */
    @Test
    void foldsALeadingRescalingIntoTheInputScale() throws IOException {
        Map<String, Map<String, Object>> w = Map.of("dense", weights("kernel", matrix(784, 10, random),
                "bias", vector(10, random)));
        Path rescaled = SyntheticKeras.legacy(dir.resolve("rescaled.h5"), sequential(input("28, 28, 1"),
                layer("Rescaling", "rescaling", "\"scale\": 0.00392156862745098, \"offset\": 0.0"),
                layer("Flatten", "flatten", ""), dense("dense", 10, "softmax")), w, "");
        Path plain = SyntheticKeras.legacy(dir.resolve("plain.h5"), sequential(input("28, 28, 1"),
                layer("Flatten", "flatten", ""), dense("dense", 10, "softmax")), w, "");
        KerasModel folded = KerasModels.read(rescaled, DEFAULTS);
        assertThat(folded.source().inputScale()).as("the Keras model is fed 0-255 pixels").isEqualTo(255.0);
        assertThat(folded.network().inputScale()).as("what the layers after the Rescaling see").isEqualTo(1.0);
        assertThat(folded.network().layers()).doesNotHaveAnyElementsOfTypes(NetworkSpec.BatchNorm.class)
                .hasSize(2);
        float[] pixels = KerasFixtures.inputs().get(0);
        assertThat(new ReferenceNetwork(folded.weights()).probabilities(pixels))
                .containsExactly(new ReferenceNetwork(KerasModels.readWeights(plain, DEFAULTS)).probabilities(pixels));

        KerasModel raw = KerasModels.read(plain, DEFAULTS.withInputScale(255));
        assertThat(raw.network().inputScale()).as("no Rescaling: the network is fed what the option says")
                .isEqualTo(255.0);
        assertThat(KerasModels.read(rescaled, DEFAULTS.withInputScale(1)).network().inputScale())
                .as("a notebook that divided by 255 and had Rescaling(1/255) as well").isEqualTo(1 / 255.0, within(1e-12));
        Path offset = SyntheticKeras.legacy(dir.resolve("offset.h5"), sequential(input("28, 28, 1"),
                layer("Rescaling", "rescaling", "\"scale\": 0.00784313725490196, \"offset\": -1.0"),
                layer("Flatten", "flatten", ""), dense("dense", 10, "softmax")), w, "");
        assertThatThrownBy(() -> KerasModels.read(offset, DEFAULTS))
                .hasMessageContaining("option offset=-1.0 (only 0)");
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    /**
     * A {@code .keras} archive names weight groups by class and order, not by layer name; a convolution without bias
     * gets a zero bias, a batch normalisation without centre a zero beta, and standalone activations join the linear
     * layer before them.
     */
    @Test
    void mapsAnArchiveByClassAndOrderAndFillsWhatKerasLeavesOut() throws IOException {
        String config = sequential(input("28, 28, 1"),
                layer("Conv2D", "features", "\"filters\": 4, \"kernel_size\": [3, 3], \"strides\": [2, 2],"
                        + " \"padding\": \"same\", \"activation\": \"linear\", \"use_bias\": false,"
                        + " \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"groups\": 1"),
                layer("ReLU", "relu", "\"max_value\": null, \"negative_slope\": 0.0, \"threshold\": 0.0"),
                layer("BatchNormalization", "norm", "\"axis\": -1, \"epsilon\": 0.001, \"momentum\": 0.99,"
                        + " \"center\": false, \"scale\": true"),
                layer("AveragePooling2D", "pool", "\"pool_size\": [2, 2], \"strides\": null, \"padding\": \"valid\""),
                layer("Flatten", "flatten", ""),
                dense("hidden", 16, "tanh"),
                layer("Dropout", "dropout", "\"rate\": 0.3"),
                dense("classifier", 11, "linear"),
                layer("Activation", "probabilities", "\"activation\": \"softmax\""));
        float[][][][] conv = kernel(3, 3, 1, 4, random);
        float[] gamma = vector(4, random);
        float[] mean = vector(4, random);
        float[] variance = {0.5f, 1f, 1.5f, 2f};
        Path file = SyntheticKeras.archive(dir.resolve("archive.keras"), config, Map.of(
                "conv2d", List.of((Object) conv),
                "batch_normalization", List.of(gamma, mean, variance),
                "dense", List.of(matrix(196, 16, random), vector(16, random)),
                "dense_1", List.of(matrix(16, 11, random), vector(11, random))));
        KerasModel model = KerasModels.read(file, DEFAULTS);
        assertThat(model.network().layers()).containsExactly(
                new NetworkSpec.Conv2D(4, 3, 3, 2, 2, NetworkSpec.Padding.SAME, Activation.RELU),
                new NetworkSpec.BatchNorm(0.001, 0.99),
                new NetworkSpec.AveragePool(2),
                new NetworkSpec.Flatten(),
                new NetworkSpec.Dense(16, Activation.TANH),
                new NetworkSpec.Dropout(0.3),
                new NetworkSpec.Dense(11, Activation.SOFTMAX));
        assertThat(model.network().classes()).isEqualTo(11);
        Map<String, float[]> t = new java.util.HashMap<>();
        for (NetworkWeights.Tensor tensor : model.weights().tensors()) {
            t.put(tensor.name(), tensor.values());
        }
        assertThat(t.get("0.weight")).startsWith(conv[0][0][0]);
        assertThat(t.get("0.bias")).as("no bias in Keras: zero").containsOnly(0f).hasSize(4);
        assertThat(t.get("1.gamma")).containsExactly(gamma);
        assertThat(t.get("1.beta")).as("center=false: zero").containsOnly(0f).hasSize(4);
        assertThat(t.get("1.movingMean")).containsExactly(mean);
        assertThat(t.get("1.movingVariance")).containsExactly(variance);
        assertThat(model.layers()).anyMatch(l -> l.startsWith("probabilities (Activation): SOFTMAX: joined"));
    }

    @Test
    void readsTheKeras213ArchiveLayout() throws IOException {
        float[][] kernel = matrix(784, 10, random);
        Path file = SyntheticKeras.archive(dir.resolve("keras213.keras"), sequential(input("28, 28"),
                layer("Flatten", "flatten", ""), dense("output", 10, "softmax")),
                Map.of("dense", List.of(kernel, vector(10, random))), "_layer_checkpoint_dependencies");
        KerasModel model = KerasModels.read(file, DEFAULTS);
        assertThat(model.network().layers()).containsExactly(new NetworkSpec.Flatten(),
                new NetworkSpec.Dense(10, Activation.SOFTMAX));
        assertThat(model.weights().tensors().get(0).values()).startsWith(kernel[0]);
        assertThat(model.source().format()).isEqualTo("keras");
    }

    /**
     * The notebook pattern {@code Conv2D(linear) -> BatchNormalization -> Activation('relu')}, and a dense layer's
     * {@code Dense(linear) -> BatchNormalization -> Dropout -> ReLU()}: each activation joins the batch normalisation
     * before it (past the dropout, which is the identity at inference), whose tensors come from the Keras layer.
     */
    @Test
    void mapsAnActivationAfterABatchNormalisationOntoIt() throws IOException {
        String bn = "\"axis\": -1, \"epsilon\": 0.001, \"momentum\": 0.99, \"center\": true, \"scale\": true";
        String config = sequential(input("28, 28, 1"),
                layer("Conv2D", "conv", "\"filters\": 4, \"kernel_size\": [3, 3], \"strides\": [1, 1],"
                        + " \"padding\": \"valid\", \"activation\": \"linear\", \"use_bias\": false"),
                layer("BatchNormalization", "bn", bn),
                layer("Activation", "act", "\"activation\": \"relu\""),
                layer("MaxPooling2D", "pool", "\"pool_size\": [2, 2], \"strides\": null, \"padding\": \"valid\""),
                layer("Flatten", "flatten", ""),
                dense("hidden", 16, "linear"),
                layer("BatchNormalization", "bn_1", bn.replace("0.001", "0.01")),
                layer("Dropout", "dropout", "\"rate\": 0.2"),
                layer("ReLU", "relu", "\"max_value\": null, \"negative_slope\": 0.0, \"threshold\": 0.0"),
                dense("output", 10, "softmax"));
        float[] gamma = vector(4, random);
        float[] variance = {0.5f, 1f, 1.5f, 2f};
        Path file = SyntheticKeras.legacy(dir.resolve("bn-relu.h5"), config, Map.of(
                "conv", weights("kernel", kernel(3, 3, 1, 4, random)),
                "bn", weights("gamma", gamma, "beta", vector(4, random), "moving_mean", vector(4, random),
                        "moving_variance", variance),
                "hidden", weights("kernel", matrix(676, 16, random), "bias", vector(16, random)),
                "bn_1", weights("gamma", vector(16, random), "beta", vector(16, random),
                        "moving_mean", vector(16, random), "moving_variance", variance16()),
                "output", weights("kernel", matrix(16, 10, random), "bias", vector(10, random))), "");
        KerasModel model = KerasModels.read(file, DEFAULTS);
        assertThat(model.network().layers()).containsExactly(
                new NetworkSpec.Conv2D(4, 3, Activation.IDENTITY),
                new NetworkSpec.BatchNorm(0.001, 0.99, Activation.RELU),
                new NetworkSpec.MaxPool(2),
                new NetworkSpec.Flatten(),
                new NetworkSpec.Dense(16, Activation.IDENTITY),
                new NetworkSpec.BatchNorm(0.01, 0.99, Activation.RELU),
                new NetworkSpec.Dropout(0.2),
                new NetworkSpec.Dense(10, Activation.SOFTMAX));
        assertThat(model.weights().tensors().get(2).name()).isEqualTo("1.gamma");
        assertThat(model.weights().tensors().get(2).values()).containsExactly(gamma);
        assertThat(model.layers()).contains("act (Activation): RELU: joined to the layer before",
                "relu (ReLU): RELU: joined to the layer before");
    }

    /**
     * A Keras 2 {@code .h5} written without Keras (h5py, Keras 2's layout) with batch normalisations followed by
     * {@code Activation('relu')}, {@code Activation('tanh')} and {@code ReLU()}: it maps onto batch normalisations that
     * carry them and gives the outputs of an independent numpy forward pass to float rounding. The same weights
     * without the activations give other outputs, so the file tests the activations, not only the layers around them.
     */
    @Test
    void aKeras2FileWithActivationsAfterBatchNormalisationsGivesNumpysOutputs() throws IOException {
        String name = KerasFixtures.madeModels().get(0);
        KerasModel model = KerasModels.read(KerasFixtures.path(name), DEFAULTS);
        assertThat(model.network().layers()).containsExactly(
                new NetworkSpec.Conv2D(8, 3, 3, 1, 1, NetworkSpec.Padding.SAME, Activation.IDENTITY),
                new NetworkSpec.BatchNorm(0.001, 0.99, Activation.RELU),
                new NetworkSpec.MaxPool(2),
                new NetworkSpec.Conv2D(8, 3, Activation.IDENTITY),
                new NetworkSpec.BatchNorm(0.01, 0.99, Activation.TANH),
                new NetworkSpec.MaxPool(2),
                new NetworkSpec.Flatten(),
                new NetworkSpec.Dense(32, Activation.IDENTITY),
                new NetworkSpec.BatchNorm(0.001, 0.9, Activation.RELU),
                new NetworkSpec.Dropout(0.3),
                new NetworkSpec.Dense(10, Activation.SOFTMAX));
        assertThat(model.source().producer()).isEqualTo("Keras 2.15.0");
        List<NetworkSpec.Layer> plain = model.network().layers().stream()
                .map(l -> l instanceof NetworkSpec.BatchNorm b ? new NetworkSpec.BatchNorm(b.epsilon(), b.momentum())
                        : l).toList();
        NetworkWeights withoutActivations = new NetworkWeights(new NetworkSpec(plain,
                model.network().initializer()), model.weights().tensors());
        List<float[]> inputs = KerasFixtures.inputs();
        List<double[]> expected = KerasFixtures.expected(name);
        double worst = 0;
        double worstWithout = 0;
        for (int i = 0; i < inputs.size(); i++) {
            worst = Math.max(worst, largestDifference(expected.get(i),
                    new ReferenceNetwork(model.weights()).probabilities(inputs.get(i))));
            worstWithout = Math.max(worstWithout, largestDifference(expected.get(i),
                    new ReferenceNetwork(withoutActivations).probabilities(inputs.get(i))));
        }
        assertThat(worst).as("largest difference from numpy's outputs").isLessThanOrEqualTo(1e-5);
        assertThat(worstWithout).as("the same weights without the activations").isGreaterThan(0.05);
    }

    private static double largestDifference(double[] a, double[] b) {
        assertThat(b).hasSize(a.length);
        double worst = 0;
        for (int c = 0; c < a.length; c++) {
            worst = Math.max(worst, Math.abs(a[c] - b[c]));
        }
        return worst;
    }

    private float[] variance16() {
        float[] v = new float[16];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.5 + random.nextDouble());
        }
        return v;
    }

    @Test
    void refusesAnActivationThatCannotJoinTheLayerBefore() {
        Path softmax = denseModel("bn-softmax.h5", sequential(input("784"), dense("dense", 10, "linear"),
                layer("BatchNormalization", "bn", "\"axis\": -1"),
                layer("Activation", "probabilities", "\"activation\": \"softmax\"")), 784, 10);
        assertThatThrownBy(() -> KerasModels.read(softmax, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("layer 'probabilities' (Activation) cannot be imported: activation softmax after"
                        + " BatchNorm; softmax is supported only on the last Dense layer");
        Path twice = denseModel("bn-relu-relu.h5", sequential(input("784"),
                layer("BatchNormalization", "bn", "\"axis\": -1"), layer("ReLU", "relu", ""),
                layer("Activation", "tanh", "\"activation\": \"tanh\""), dense("dense", 10, "softmax")), 784, 10);
        assertThatThrownBy(() -> KerasModels.read(twice, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("layer 'tanh' (Activation) cannot be imported: activation tanh after BatchNorm"
                        + " with activation relu");
        Path pooled = SyntheticKeras.legacy(dir.resolve("pool-relu.h5"), sequential(input("28, 28, 1"),
                layer("MaxPooling2D", "pool", "\"pool_size\": [2, 2]"), layer("ReLU", "relu", ""),
                layer("Flatten", "flatten", ""), dense("dense", 10, "softmax")),
                Map.of("dense", weights("kernel", matrix(196, 10, random), "bias", vector(10, random))), "");
        assertThatThrownBy(() -> KerasModels.read(pooled, DEFAULTS))
                .isExactlyInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("layer 'relu' (ReLU) cannot be imported: activation relu after MaxPool;"
                        + " a standalone activation is supported only right after a Conv2D, Dense or"
                        + " BatchNormalization layer with a linear activation");
    }
}
