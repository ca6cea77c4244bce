package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.Prediction;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.onnx.OnnxExport;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled model of each backend, exported with {@code exportOnnx} or {@code mnist export --onnx}, gives in ONNX
 * Runtime the probabilities the backend itself gives, on 1,000 real test images.
 */
class OnnxExportOfBundledModelTest {
    /** Largest probability difference accepted: float rounding in two engines, not a different network. */
    static final double TOLERANCE = 1e-5;
    static final int IMAGES = 1_000;

    @ParameterizedTest(name = "bundled {0} model")
    @ValueSource(strings = {"djl", "dl4j"})
    void onnxRuntimeGivesTheBackendsProbabilities(String backend, @TempDir Path dir) throws Exception {
        MnistDataset test = MnistData.test().first(IMAGES);
        Path file = dir.resolve(backend + ".onnx");
        List<Prediction> expected;
        try (DigitClassifier classifier = DigitClassifiers.pretrained(backend)) {
            classifier.exportOnnx(file);
            expected = classifier.predictAll(IntStream.range(0, test.size()).mapToObj(test::image).toList());
        }
        float[][] actual = run(file, test);
        double worst = 0;
        int sameDigit = 0;
        for (int i = 0; i < IMAGES; i++) {
            float[] p = expected.get(i).probabilities();
            assertThat(actual[i]).hasSameSizeAs(p);
            for (int c = 0; c < p.length; c++) {
                worst = Math.max(worst, Math.abs(p[c] - actual[i][c]));
            }
            sameDigit += expected.get(i).digit() == argmax(actual[i]) ? 1 : 0;
        }
        System.out.printf("[onnx] bundled %s model: largest probability difference ONNX Runtime vs %s %.2e over %,d"
                + " images; same digit on %,d%n", backend, backend, worst, IMAGES, sameDigit);
        assertThat(worst).as("largest probability difference between ONNX Runtime and %s", backend)
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void exportCommandWritesAFileOnnxRuntimeRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/bundled.onnx");
        MnistCliTest.Run r = MnistCliTest.run("export", "--backend", "djl", "--onnx", file.toString(), "--format",
                "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.get("onnx").asText()).isEqualTo(file.toString());
        assertThat(json.get("classes").asInt()).isEqualTo(10);
        assertThat(json.get("bytes").asLong()).as("the bundled model's 329,962 float parameters")
                .isGreaterThan(4L * 329_962);
        MnistDataset test = MnistData.test().first(100);
        float[][] p = run(file, test);
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            right += argmax(p[i]) == test.label(i) ? 1 : 0;
        }
        assertThat(right).as("digits ONNX Runtime reads right with the exported bundled model").isGreaterThan(95);
    }

    @Test
    void exportWithoutAFileIsAUsageError() {
        MnistCliTest.Run r = MnistCliTest.run("export");
        assertThat(r.code()).isEqualTo(MnistCli.EXIT_USAGE);
        assertThat(r.err()).contains("--onnx");
    }

    private static float[][] run(Path model, MnistDataset images) throws OrtException {
        float[] batch = new float[images.size() * DigitImage.PIXELS];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.image(i).pixels(), 0, batch, i * DigitImage.PIXELS, DigitImage.PIXELS);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch),
                         new long[] {images.size(), 28, 28, 1});
                 OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT_NAME, input))) {
                return (float[][]) result.get(OnnxExport.OUTPUT_NAME).orElseThrow().getValue();
            }
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
