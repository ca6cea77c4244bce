package io.mnist.onnxruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.mnist.api.LibraryVersion;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.contract.NetworkShapesContract;
import io.mnist.api.contract.ReferenceNetwork;
import io.mnist.api.onnx.OnnxExport;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported ONNX model, run by ONNX Runtime, is the network: on real MNIST test images its probabilities agree
 * with the contract kit's double-precision {@link ReferenceNetwork} to float rounding, for every layer kind and
 * option a {@link NetworkSpec} has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxExportTest {
    /** Test images each network runs on. */
    private static final int IMAGES = 1_000;

    private MnistDataset test;

    @BeforeAll
    void loadImages() throws IOException {
        test = MnistData.test().first(IMAGES);
    }

    static Stream<NetworkSpec> shapes() {
        return NetworkShapesContract.shapes();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void onnxRuntimeAgreesWithTheReferenceNetworkOnRealImages(NetworkSpec spec) throws OrtException {
        NetworkWeights weights = NetworkShapesContract.randomWeights(spec, 11);
        float[][] actual = run(OnnxExport.toBytes(weights), test);
        ReferenceNetwork reference = new ReferenceNetwork(weights);
        double worst = 0;
        for (int i = 0; i < test.size(); i++) {
            double[] expected = reference.probabilities(test.image(i).pixels());
            assertThat(actual[i]).as("classes").hasSize(spec.classes());
            for (int c = 0; c < expected.length; c++) {
                worst = Math.max(worst, Math.abs(expected[c] - actual[i][c]));
            }
        }
        System.out.printf("ONNX export of %s: largest probability difference from the reference %.3g%n",
                spec.layers(), worst);
        assertThat(worst).as("largest probability difference from the reference network on %d images", IMAGES)
                .isLessThanOrEqualTo(NetworkShapesContract.REFERENCE_TOLERANCE);
    }

    static Stream<String> kerasModels() {
        return io.mnist.api.contract.KerasImportContract.models().stream();
    }

    /**
     * Each real Keras model in {@code ../shared/keras}, and each made for the tests (batch normalisations followed by
     * relu and tanh), imported and exported, runs in ONNX Runtime as it reads here.
     */
    @ParameterizedTest
    @MethodSource("kerasModels")
    void anImportedKerasModelLeavesAsOnnxUnchanged(String model) throws Exception {
        NetworkWeights weights = io.mnist.api.keras.KerasModels.readWeights(
                io.mnist.api.contract.KerasFixtures.path(model),
                io.mnist.api.keras.KerasImportOptions.defaults());
        float[][] actual = run(OnnxExport.toBytes(weights), test);
        ReferenceNetwork reference = new ReferenceNetwork(weights);
        double worst = 0;
        for (int i = 0; i < test.size(); i++) {
            double[] expected = reference.probabilities(test.image(i).pixels());
            for (int c = 0; c < expected.length; c++) {
                worst = Math.max(worst, Math.abs(expected[c] - actual[i][c]));
            }
        }
        System.out.printf("ONNX export of the imported %s: largest probability difference %.3g%n", model, worst);
        assertThat(worst).as("largest probability difference from the imported network on %d images", IMAGES)
                .isLessThanOrEqualTo(NetworkShapesContract.REFERENCE_TOLERANCE);
    }

    @Test
    void declaresItsInputOutputAndProducer(@TempDir Path dir) throws Exception {
        NetworkSpec elevenClasses = shapes().filter(s -> s.classes() == 11).findFirst().orElseThrow();
        Path file = dir.resolve("sub/model.onnx");
        OnnxExport.write(NetworkShapesContract.randomWeights(elevenClasses, 3), file);
        assertThat(file).as("written, parent directories created").isRegularFile();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(file.toString(), options)) {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            assertThat(inputs).containsOnlyKeys(OnnxExport.INPUT_NAME);
            assertThat(((TensorInfo) inputs.get(OnnxExport.INPUT_NAME).getInfo()).getShape())
                    .as("N x 28 x 28 x 1, N free").containsExactly(-1L, 28L, 28L, 1L);
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            assertThat(outputs).containsOnlyKeys(OnnxExport.OUTPUT_NAME);
            assertThat(((TensorInfo) outputs.get(OnnxExport.OUTPUT_NAME).getInfo()).getShape())
                    .containsExactly(-1L, 11L);
            assertThat(session.getMetadata().getProducerName()).isEqualTo(OnnxExport.PRODUCER);
            assertThat(session.getMetadata().getCustomMetadata())
                    .containsEntry("producer", OnnxExport.PRODUCER + " " + LibraryVersion.current())
                    .containsEntry("classes", "11")
                    .containsKeys("input", "output", "input_scale");
        }
        assertThat(Files.list(dir.resolve("sub")).toList()).as("no temporary file left").containsExactly(file);
    }

    @Test
    void probabilitiesOfEachImageSumToOne() throws OrtException {
        NetworkSpec spec = NetworkSpec.compact();
        float[][] p = run(OnnxExport.toBytes(NetworkWeights.initial(spec, 5)), test.first(20));
        for (float[] row : p) {
            double sum = 0;
            for (float v : row) {
                sum += v;
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void neverReplacesAFifoADeviceOrAFolder(@TempDir Path dir) throws Exception {
        NetworkWeights weights = NetworkShapesContract.randomWeights(NetworkSpec.compact(), 11);
        Path fifo = dir.resolve("fifo.onnx");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
        assertThatThrownBy(() -> OnnxExport.write(weights, fifo)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a regular file");
        assertThat(Files.isRegularFile(fifo)).as("the FIFO is left as it was").isFalse();
        assertThat(Files.exists(fifo)).isTrue();
        Path folder = Files.createDirectory(dir.resolve("folder.onnx"));
        assertThatThrownBy(() -> OnnxExport.write(weights, folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("it is a folder");
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file");
        assertThatThrownBy(() -> OnnxExport.write(weights, file.resolve("x.onnx"))).isInstanceOf(IOException.class)
                .hasMessageContaining("is a file, not a folder");
    }

    @Test
    void refusesNullArgumentsWithASentence() {
        assertThatThrownBy(() -> OnnxExport.toBytes(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weights");
        assertThatThrownBy(() -> OnnxExport.write(NetworkWeights.initial(NetworkSpec.compact(), 1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path");
    }

    /** Runs the model on {@code images} in one batch: {@code [images][classes]} probabilities. */
    static float[][] run(byte[] model, MnistDataset images) throws OrtException {
        float[] batch = new float[images.size() * 784];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.image(i).pixels(), 0, batch, i * 784, 784);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch),
                         new long[] {images.size(), 28, 28, 1});
                 OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT_NAME, input))) {
                return (float[][]) result.get(OnnxExport.OUTPUT_NAME).orElseThrow().getValue();
            }
        }
    }
}
