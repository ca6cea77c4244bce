package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.Evaluation;
import io.mnist.api.NetworkSpec;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingListener;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A model trained on one backend and converted to the other predicts the same, on all 10,000 test images: the
 * engine-neutral weights carry conv kernels, the flatten order and dense orientation across both ways. The seed
 * network flattens straight after its only pool; the compact one after a second conv block.
 */
class PortableWeightsTest {
    static final double TOLERANCE = 1e-4;

    @ParameterizedTest(name = "{0} network trained on {1} ({3} images), converted to {2}")
    @CsvSource({"compact, djl, dl4j, 3000", "seed, dl4j, djl, 2000"})
    void aConvertedModelPredictsWhatTheOriginalPredicts(String network, String from, String to, int trainImages) {
        TrainingConfig recipe = TrainingConfig.builder().epochs(1).learningRate(0.002)
                .network(network.equals("seed") ? NetworkSpec.seed() : NetworkSpec.compact()).build();
        MnistDataset test = MnistData.test();
        List<DigitImage> images = IntStream.range(0, test.size()).mapToObj(test::image).toList();
        try (DigitClassifier original = DigitClassifiers.backend(from).trainer(recipe)
                .train(MnistData.train().first(trainImages), null, TrainingListener.NONE);
             DigitClassifier converted = DigitClassifiers.convert(original, to)) {
            List<Prediction> before = original.predictAll(images);
            List<Prediction> after = converted.predictAll(images);
            double worst = Prediction.largestDifference(before, after);
            Evaluation ev = converted.evaluate(test);
            System.out.printf("[portable] %s network %s -> %s: largest probability difference %.2e over %,d"
                    + " images, accuracy %.4f%n", network, from, to, worst, images.size(), ev.accuracy());
            assertThat(converted.info().backend()).isEqualTo(to);
            assertThat(converted.info().convertedFrom().backend()).isEqualTo(from);
            assertThat(ev.accuracy()).as("a model that learned something, so the comparison means something")
                    .isGreaterThan(0.7);
            assertThat(worst).as("largest probability difference between %s and its %s conversion", from, to)
                    .isLessThanOrEqualTo(TOLERANCE);
            assertThat(converted.networkWeights()).as("the weights exported back from %s", to)
                    .isEqualTo(original.networkWeights());
        }
    }
}
