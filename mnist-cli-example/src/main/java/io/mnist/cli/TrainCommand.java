package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.EpochResult;
import io.mnist.api.Trainer;
import io.mnist.api.TrainingConfig;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.model.ModelFile;
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
    @Option(names = "--batch-size", description = "Images per batch, at least 1 (default: the recipe's). More than"
            + " the training images is one batch of all of them per epoch, with a note.")
    Integer batchSize;
    @Option(names = "--optimizer", description = "rmsprop or adam (default: the recipe's).")
    String optimizer;
    @Option(names = "--lr", description = "Learning rate of the first epoch (default: the recipe's).")
    Double learningRate;
    @Option(names = "--lr-decay", paramLabel = "FACTOR", description = "Multiply the learning rate by FACTOR after"
            + " every epoch, in (0, 1]; 1 keeps it constant (default: the recipe's).")
    Double learningRateDecay;
    @Option(names = "--seed", description = "Seed for initial weights, shuffling, augmentation and dropout"
            + " (default: the recipe's, 42).")
    Long seed;
    @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer trainLimit;
    @Option(names = "--output", paramLabel = "FILE", description = "Model file to write (default: DIR/model.mnist),"
            + " checked before training starts. If it still cannot be written after training, the model is saved"
            + " in the working folder (else the temporary folder) and the place is printed.")
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
        // The trainer first: an inference-only backend says it cannot train before a folder is made or data read.
        Trainer trainer = cli.backend().trainer(recipe());
        Result result = train(trainer, trainLimit, output.get(), modelFile, format == Format.json ? null : out,
                err(), !noProgress && format != Format.json && System.console() != null);
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
            if (batchSize < 1) {
                throw bad("--batch-size must be at least 1, not " + batchSize);
            }
            b.batchSize(batchSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (learningRateDecay != null) {
            if (!(learningRateDecay > 0 && learningRateDecay <= 1)) {
                throw bad("--lr-decay must be in (0, 1] (1 keeps the learning rate constant, 0.8 takes a fifth off"
                        + " each epoch), not " + learningRateDecay);
            }
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

    /**
     * Trains, saves the model, writes history.csv and curves.png; the caller closes the returned model. The model
     * path and the output folder are checked before the first epoch; a model that still cannot be saved where asked
     * is saved elsewhere ({@link #saveOrKeep}) rather than lost.
     */
    static Result train(Trainer trainer, Integer limit, Path dir, Path modelFile, PrintWriter out, PrintWriter err,
                        boolean bar) throws IOException {
        TrainingConfig config = trainer.config();
        Path file = modelFile == null ? dir.resolve("model.mnist") : modelFile;
        ModelFile.checkWritable(file);
        checkWritableFolder(dir);
        MnistDataset train = MnistData.train();
        if (limit != null) {
            if (limit < 1 || limit > train.size()) {
                throw new IllegalArgumentException("--train-limit must be between 1 and " + train.size() + ", not "
                        + limit);
            }
            train = train.first(limit);
        }
        if (config.batchSize() > train.size()) {
            err.printf("mnist: note: the batch size %d is more than the %d training images; each epoch is one batch"
                    + " of all %d.%n", config.batchSize(), train.size(), train.size());
            err.flush();
        }
        MnistDataset test = MnistData.test();
        long start = System.nanoTime();
        DigitClassifier model = trainer.train(train, test,
                out == null ? io.mnist.api.TrainingListener.NONE : new ProgressListener(out, bar));
        double seconds = (System.nanoTime() - start) / 1e9;
        file = saveOrKeep(model, file, List.of(Path.of("").toAbsolutePath(),
                Path.of(System.getProperty("java.io.tmpdir"))), err);
        Path csv = dir.resolve("history.csv");
        writeHistory(csv, model.info().history());
        Path curves = dir.resolve("curves.png");
        Charts.curves(curves, model.info().backend() + ", " + train.size() + " images", model.info().history());
        if (out != null) {
            out.printf("Test accuracy %.4f after %d epoch%s, %.1f s in all.%nModel: %s%nHistory: %s%nCurves: %s%n",
                    model.info().testAccuracy(), config.epochs(), config.epochs() == 1 ? "" : "s", seconds, file, csv,
                    curves);
            out.flush();
        }
        return new Result(model, file, csv, curves, seconds, train.size());
    }

    /**
     * Saves {@code model} at {@code file}; if that fails, in the first of {@code elsewhere} that takes it, under a
     * name of its own, and says so on {@code err}. A finished training run is never thrown away for a full disk or a
     * folder that became read-only.
     *
     * @return where the model was saved
     * @throws IOException if it could be saved nowhere; the message names every place tried
     */
    static Path saveOrKeep(DigitClassifier model, Path file, List<Path> elsewhere, PrintWriter err)
            throws IOException {
        try {
            model.save(file);
            return file;
        } catch (io.mnist.api.model.NonFiniteWeightsException e) {
            throw e;
        } catch (IOException e) {
            String name = file.getFileName().toString().replaceFirst("\\.mnist$", "") + "-"
                    + java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern(
                            "yyyyMMdd-HHmmss")) + ".mnist";
            StringBuilder tried = new StringBuilder(file + " (" + reason(e) + ")");
            for (Path folder : elsewhere) {
                Path rescue = folder.resolve(name);
                try {
                    model.save(rescue);
                    err.println("mnist: could not save the model to " + file + " (" + reason(e) + "); saved it to "
                            + rescue + " instead. Move it where you want it.");
                    err.flush();
                    return rescue;
                } catch (IOException again) {
                    tried.append(", ").append(rescue).append(" (").append(reason(again)).append(')');
                }
            }
            throw new IOException("The trained model could not be saved anywhere: " + tried
                    + ". Free some disk space or choose a writable --output, and train again.", e);
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Checks that files can be created in {@code dir} (history.csv, curves.png), before any work. */
    private static void checkWritableFolder(Path dir) throws IOException {
        try {
            Files.delete(Files.createTempFile(dir, ".mnist-", ".probe"));
        } catch (IOException e) {
            throw new java.nio.file.FileSystemException(dir.toString(), null, "cannot write into this folder ("
                    + reason(e) + "); choose another --output-dir, or make it writable");
        }
    }

    static void writeHistory(Path csv, List<EpochResult> history) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n");
        for (EpochResult r : history) {
            sb.append(String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f%n", r.epoch(), r.trainLoss(),
                    r.trainAccuracy(), r.testLoss(), r.testAccuracy(), r.seconds()));
        }
        io.mnist.api.spi.FileWriteException.writing(csv, () -> Files.writeString(csv, sb.toString()));
    }
}
