package io.mnist.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.Conversion;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingData;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {
    private static final TrainingData WHOLE_SET =
            new TrainingData("train-images-idx3-ubyte (sha256 ba891046e650)", 0, 60_000);

    @Test
    void readsTheTrainingDataSentenceOfFormatVersion1() throws Exception {
        TrainingData data = ManifestJson.mapper().readValue(
                "\"train-images-idx3-ubyte (sha256 ba891046e650), 60000 images\"", TrainingData.class);
        assertThat(data).isEqualTo(WHOLE_SET);
        assertThat(ManifestJson.mapper().readValue(
                "\"train-images-idx3-ubyte (sha256 ba891046e650) [0, 6000), 6000 images\"", TrainingData.class))
                .isEqualTo(new TrainingData("train-images-idx3-ubyte (sha256 ba891046e650)", 0, 6000));
    }

    @Test
    void readsTheConversionSentenceOfFormatVersion1IntoTypedParts() throws Exception {
        String sentence = "dl4j (Deeplearning4j 1.0.0-M2.1 / ND4J native CPU); test accuracy 0.9959 there, 0.9958"
                + " here; largest probability difference on the 10000 test images 9.83e-07; before that djl"
                + " (DJL 0.36.0 / PyTorch 2.7.1)";
        Conversion c = ManifestJson.mapper().readValue("\"" + sentence + "\"", Conversion.class);
        assertThat(c.backend()).isEqualTo("dl4j");
        assertThat(c.backendVersion()).isEqualTo("Deeplearning4j 1.0.0-M2.1 / ND4J native CPU");
        assertThat(c.check()).isEqualTo(new Conversion.Check(10_000, 0.9959, 0.9958, 9.83e-7));
        assertThat(c.earlier()).isEqualTo(new Conversion("djl", "DJL 0.36.0 / PyTorch 2.7.1", null, null));
        assertThat(c.toString()).as("the sentence is still how it reads").isEqualTo(sentence);
    }

    @Test
    void writesProvenanceAsObjectsAndReadsThemBack() throws Exception {
        ModelInfo trained = new ModelInfo("djl", "DJL 0.36.0 / PyTorch 2.7.1", NetworkSpec.compact(), 329_962,
                TrainingConfig.pretrained(), List.of(), 0.9959, WHOLE_SET);
        ModelInfo converted = trained.convertedTo("dl4j", "Deeplearning4j 1.0.0-M2.1 / ND4J native CPU", 329_962,
                new Conversion.Check(10_000, 0.9959, 0.9959, 9.8e-7));
        String json = ManifestJson.mapper().writeValueAsString(converted);
        assertThat(ManifestJson.mapper().readTree(json).get("trainingData").isObject()).isTrue();
        assertThat(ManifestJson.mapper().readTree(json).get("convertedFrom").get("check").get("images").asInt())
                .isEqualTo(10_000);
        assertThat(json).as("derived numbers are not written").doesNotContain("multiplyAddsPerImage");
        assertThat(ManifestJson.mapper().readValue(json, ModelInfo.class)).isEqualTo(converted);
    }
}
