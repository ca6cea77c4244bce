package io.mnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.keras.KerasImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/model} for a model imported from a real Keras file ({@code ../shared/keras}, beside the project
 * as in CI): its provenance names the file it came from, and it claims no training of its own.
 */
class ImportedModelTest {
    private static final String KERAS_FILE = "Moonflower2022_MNIST-models__mnist_model.h5";

    @Test
    void describesAnImportedModelByTheFileItWasImportedFrom() throws Exception {
        Path file = Path.of("").toAbsolutePath().getParent().resolveSibling("shared").resolve("keras")
                .resolve(KERAS_FILE);
        assertThat(file).as("a real Keras model, expected beside the project at ../shared/keras (as in CI)")
                .isRegularFile();
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));

        try (MnistServer server = MnistServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0),
                () -> DigitClassifiers.importKeras(file, KerasImportOptions.defaults().withBackend("djl")))) {
            server.awaitModel();
            Http.Answer answer = new Http(server).get("/api/v1/model");

            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            JsonNode m = answer.json();
            assertThat(m.get("backend").asText()).isEqualTo("djl");
            assertThat(m.get("parameters").asLong()).as("the Keras model's own count").isEqualTo(34_826);
            assertThat(m.get("network").get("name").asText()).isEqualTo("custom");
            assertThat(m.has("training")).as("not trained here: no training config").isFalse();
            assertThat(m.get("history")).as("nor history").isEmpty();
            JsonNode provenance = m.get("provenance");
            JsonNode from = provenance.get("imported_from");
            assertThat(from.get("format").asText()).isEqualTo("keras-h5");
            assertThat(from.get("file").asText()).as("the name, not the folder").isEqualTo(KERAS_FILE);
            assertThat(from.get("producer").asText()).isEqualTo("Keras 3.1.1");
            assertThat(from.get("sha256").asText()).as("the whole file's digest").isEqualTo(sha256);
            assertThat(from.get("input_scale").asDouble()).as("pixels in [0, 1], read from the file").isEqualTo(1.0);
            assertThat(provenance.has("training_data")).as("trained elsewhere, on data not recorded").isFalse();
            assertThat(provenance.has("converted_from")).isFalse();
        }
    }
}
