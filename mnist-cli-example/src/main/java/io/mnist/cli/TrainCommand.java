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

    @Option(names = "--recipe", defaultValue = "seed", description = "seed (the notebook's: seed network, 5 epochs,"
            + " RMSProp 0.001) or pretrained (the bundled models': compact network, 15 epochs, Adam 0.001 decaying"
            + " by 0.8 per epoch, augmentation). Options below override it (default: ${DEFAULT-VALUE}).")
    String recipe;
    @Option(names = "--network", description = "seed or compact (default: the recipe's).")
    String network;
    @Option(names = "--epochs", description = "Epochs (default: the recipe's).")
    Integer epochs;
    @Option(names = "--batch-size", description = "Images per batch (default: the recipe's).")
    Integer batchSize;
    @Option(names = "--optimizer", description = "rmsprop or adam (default: the recipe's).")
    String optimizer;
    @Option(names = "--lr", description = "Learning rate of the first epoch (default: the recipe's).")
    Double learningRate;
    @Option(names = "--lr-decay", paramLabel = "FACTOR", description = "Multiply the learning rate by FACTOR after"
            + " every epoch, in (0, 1] (default: the recipe's).")
    Double learningRateDecay;
    @Option(names = "--seed", description = "Seed for initial weights, shuffling, augmentation and dropout"
            + " (default: the recipe's, 42).")
    Long seed;
    @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer trainLimit;
    @Option(names = "--output", paramLabel = "FILE", description = "Model file to write (default: DIR/model.mnist).")
    Path modelFile;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;
    @Option(names = "--no-progress", description = "No progress bar, only a line per epoch.")
    boolean noProgress;
    @Option(names = "--augment", negatable = true, description = "Shift, turn, scale and re-pen training images at"
            + " random (2 px, 10 degrees, 0.9-1.1, a third of strokes), for digits unlike MNIST's (default: the"
            + " recipe's; --no-augment turns it off).")
    Boolean augment;

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
        TrainingConfig.Builder b = switch (recipe.toLowerCase(java.util.Locale.ROOT)) {
            case "seed" -> TrainingConfig.builder();
            case "pretrained" -> TrainingConfig.pretrained().toBuilder();
            default -> throw bad("--recipe must be seed or pretrained, not '" + recipe + "'");
        };
        if (network != null) {
            b.network(switch (network.toLowerCase(java.util.Locale.ROOT)) {
                case "seed" -> io.mnist.api.NetworkSpec.seed();
                case "compact" -> io.mnist.api.NetworkSpec.compact();
                default -> throw bad("--network must be seed or compact, not '" + network + "'");
            });
        }
        if (optimizer != null) {
            b.optimizer(switch (optimizer.toLowerCase(java.util.Locale.ROOT)) {
                case "rmsprop" -> TrainingConfig.Optimizer.RMSPROP;
                case "adam" -> TrainingConfig.Optimizer.ADAM;
                default -> throw bad("--optimizer must be rmsprop or adam, not '" + optimizer + "'");
            });
        }
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (learningRateDecay != null) {
            b.learningRateDecay(learningRateDecay);
        }
        if (seed != null) {
            b.seed(seed);
        }
        if (augment != null) {
            b.augmentation(augment ? io.mnist.api.Augmentation.standard() : io.mnist.api.Augmentation.NONE);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private picocli.CommandLine.ParameterException bad(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
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
            m.put("learning_rate_decay", config.learningRateDecay());
            m.put("network", model.info().network().equals(io.mnist.api.NetworkSpec.seed()) ? "seed"
                    : model.info().network().equals(io.mnist.api.NetworkSpec.compact()) ? "compact" : "custom");
            m.put("parameters", model.info().parameterCount());
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
