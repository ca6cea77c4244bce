package io.mnist.example;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.Evaluation;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingConfig;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The smallest whole program: train, evaluate, save, reload, predict. It imports only {@code io.mnist.api}; the
 * engine is whichever backend jar is on the classpath, so the same compiled class runs on djl or dl4j.
 *
 * <p>Arguments: training images (default 60,000), epochs (default 5).
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        MnistDataset train = MnistData.train().first(images);
        MnistDataset test = MnistData.test();
        TrainingConfig recipe = TrainingConfig.builder().epochs(epochs).build();
        Path file = Files.createTempFile("quickstart-", ".mnist");
        try (DigitClassifier trained = DigitClassifiers.trainer(recipe).train(train, test)) {
            Evaluation evaluation = trained.evaluate(test);
            System.out.printf("backend=%s accuracy=%.4f%n", trained.info().backend(), evaluation.accuracy());
            trained.save(file);
        }
        try (DigitClassifier reloaded = DigitClassifiers.load(file)) {
            Prediction p = reloaded.predict(test.image(0));
            System.out.printf("reloaded=%s first-test-digit=%d label=%d confidence=%.3f%n",
                    reloaded.info().backend(), p.digit(), test.label(0), p.confidence());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
