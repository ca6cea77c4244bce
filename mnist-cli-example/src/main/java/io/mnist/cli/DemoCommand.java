package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.Prediction;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.spi.DigitBackend;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mnist demo}: the whole seed notebook in one command. Gets the data, shows it, trains the seed recipe,
 * evaluates, saves, reloads and checks the reloaded model answers the same, then predicts the sample images
 * the repository ships. Every picture goes into one folder.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The whole notebook: data, training, evaluation, save, reload, predictions on sample images.")
final class DemoCommand extends Subcommand {
    @Mixin
    OutputDir output;
    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}, the notebook's).")
    int epochs;
    @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer trainLimit;
    @Option(names = "--samples", paramLabel = "DIR", description = "Images to predict at the end"
            + " (default: the repository's samples folder).")
    Path samples;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        DigitBackend backend = cli.backend();
        // The trainer first: an inference-only backend says it cannot train before the demo starts.
        Trainer trainer = backend.trainer(TrainingConfig.builder().epochs(epochs).build());
        Path dir = output.get();

        out.println("== 1. The data");
        MnistDataset train = MnistData.train();
        MnistDataset test = MnistData.test();
        out.printf("%,d training and %,d test images in %s%n", train.size(), test.size(),
                MnistData.defaults().directory());
        DataCommand.samples(test, dir.resolve("samples.png"));
        out.printf("Sample grid: %s%n%n", dir.resolve("samples.png"));

        out.printf("== 2. Training the notebook's recipe on %s (%s)%n", backend.name(), backend.engineVersion());
        TrainCommand.Result trained = TrainCommand.train(trainer, trainLimit, dir, dir.resolve("model.mnist"),
                out, err(), System.console() != null);
        try (DigitClassifier model = trained.model()) {
            out.println();
            out.println("== 3. Evaluation on the 10,000 test images");
            EvaluateCommand.evaluate(model, trained.modelFile().toString(), dir, out);
            out.println();

            out.println("== 4. Reloading the saved model");
            try (DigitClassifier reloaded = DigitClassifiers.load(trained.modelFile())) {
                List<DigitImage> images = IntStream.range(0, 1000).mapToObj(test::image).toList();
                double worst = Prediction.largestDifference(model.predictAll(images), reloaded.predictAll(images));
                out.printf("Reloaded %s (backend %s): largest probability difference on 1,000 test images %.2e%n%n",
                        trained.modelFile(), reloaded.info().backend(), worst);

                out.println("== 5. Predicting the sample images");
                Path folder = samples != null ? samples : Path.of(System.getProperty("mnist.home", "."), "samples");
                int code = 0;
                if (Files.isDirectory(folder)) {
                    List<PredictCommand.Row> rows = PredictCommand.predict(reloaded, List.of(folder), false, err);
                    PredictCommand.print(rows, Format.text, false, 0, PredictCommand.score(rows, false), out);
                    Path numbers = folder.resolve("numbers");
                    if (Files.isDirectory(numbers)) {
                        out.println();
                        out.println("== 6. Reading the sample numbers (several digits in one image)");
                        List<PredictCommand.Row> read = PredictCommand.predict(reloaded, List.of(numbers), true, err);
                        PredictCommand.print(read, Format.text, true, 0, PredictCommand.score(read, true), out);
                        rows = new java.util.ArrayList<>(rows);
                        rows.addAll(read);
                    }
                    code = rows.stream().anyMatch(r -> r.error() != null) ? MnistCli.EXIT_PARTIAL : 0;
                } else {
                    out.printf("No sample folder at %s; pass --samples DIR to predict your own images.%n", folder);
                }
                out.printf("%nEverything is in %s: samples.png, curves.png, history.csv, confusion.png,"
                        + " misclassified.png, model.mnist%n", dir.toAbsolutePath());
                return code;
            }
        }
    }
}
