package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.EpochResult;
import io.mnist.api.TrainingConfig;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mnist train}: the seed recipe by default; writes the model, history.csv and the learning curves. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the network (the notebook's recipe by default) and save the model.")
final class TrainCommand extends Subcommand {
    @Mixin
    OutputDir output;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "128", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--optimizer", defaultValue = "rmsprop", description = "rmsprop or adam (default: ${DEFAULT-VALUE}).")
    String optimizer;
    @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--seed", defaultValue = "42", description = "Seed for initial weights, shuffling and dropout"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer trainLimit;
    @Option(names = "--output", paramLabel = "FILE", description = "Model file to write (default: DIR/model.mnist).")
    Path modelFile;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;
    @Option(names = "--no-progress", description = "No progress bar, only a line per epoch.")
    boolean noProgress;
    @Option(names = "--augment", description = "Shift, turn, scale and re-pen training images at random"
            + " (2 px, 10 degrees, 0.9-1.1, a third of strokes), for digits unlike MNIST's.")
    boolean augment;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        DigitBackend backend = cli.backend();
        TrainingConfig config = recipe();
        Result result = train(backend, config, trainLimit, output.get(), modelFile, format == Format.json ? null : out,
                !noProgress && format != Format.json && System.console() != null);
        if (format == Format.json) {
            Json.print(out, result.summary());
        }
        return 0;
    }

    private TrainingConfig recipe() {
        TrainingConfig.Optimizer opt = switch (optimizer.toLowerCase()) {
            case "rmsprop" -> TrainingConfig.Optimizer.RMSPROP;
            case "adam" -> TrainingConfig.Optimizer.ADAM;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--optimizer must be rmsprop or adam, not '" + optimizer + "'");
        };
        try {
            return TrainingConfig.builder().epochs(epochs).batchSize(batchSize).optimizer(opt)
                    .learningRate(learningRate).seed(seed)
                    .augmentation(augment ? io.mnist.api.Augmentation.standard() : io.mnist.api.Augmentation.NONE)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** What a training run produced; the backend and recipe are the model's own {@code info()}. */
    record Result(DigitClassifier model, Path modelFile, Path historyCsv, Path curvesPng, double seconds,
                  int trainImages) {
        Map<String, Object> summary() {
            List<EpochResult> history = model.info().history();
            TrainingConfig config = model.info().training();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", model.info().backend());
            m.put("engine", model.info().backendVersion());
            m.put("epochs", config.epochs());
            m.put("batch_size", config.batchSize());
            m.put("optimizer", config.optimizer().name().toLowerCase());
            m.put("learning_rate", config.learningRate());
            m.put("seed", config.seed());
            m.put("augmentation", config.augmentation().isNone() ? null : config.augmentation());
            m.put("train_images", trainImages);
            m.put("test_accuracy", model.info().testAccuracy());
            m.put("test_loss", history.get(history.size() - 1).testLoss());
            m.put("seconds", seconds);
            m.put("seconds_per_epoch", history.stream().mapToDouble(EpochResult::seconds).toArray());
            m.put("model", modelFile.toString());
            m.put("history_csv", historyCsv.toString());
            m.put("curves_png", curvesPng.toString());
            return m;
        }
    }

    /** Trains, saves the model, writes history.csv and curves.png; the caller closes the returned model. */
    static Result train(DigitBackend backend, TrainingConfig config, Integer limit, Path dir, Path modelFile,
                        PrintWriter out, boolean bar) throws IOException {
        MnistDataset train = MnistData.train();
        if (limit != null) {
            if (limit < 1 || limit > train.size()) {
                throw new IllegalArgumentException("--train-limit must be between 1 and " + train.size() + ", not "
                        + limit);
            }
            train = train.first(limit);
        }
        MnistDataset test = MnistData.test();
        long start = System.nanoTime();
        DigitClassifier model = backend.trainer(config).train(train, test,
                out == null ? io.mnist.api.TrainingListener.NONE : new ProgressListener(out, bar));
        double seconds = (System.nanoTime() - start) / 1e9;
        Path file = modelFile == null ? dir.resolve("model.mnist") : modelFile;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        model.save(file);
        Path csv = dir.resolve("history.csv");
        writeHistory(csv, model.info().history());
        Path curves = dir.resolve("curves.png");
        Charts.curves(curves, backend.name() + ", " + train.size() + " images", model.info().history());
        if (out != null) {
            out.printf("Test accuracy %.4f after %d epochs, %.1f s in all.%nModel: %s%nHistory: %s%nCurves: %s%n",
                    model.info().testAccuracy(), config.epochs(), seconds, file, csv, curves);
            out.flush();
        }
        return new Result(model, file, csv, curves, seconds, train.size());
    }

    static void writeHistory(Path csv, List<EpochResult> history) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n");
        for (EpochResult r : history) {
            sb.append(String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f%n", r.epoch(), r.trainLoss(),
                    r.trainAccuracy(), r.testLoss(), r.testAccuracy(), r.seconds()));
        }
        Files.writeString(csv, sb.toString());
    }
}
