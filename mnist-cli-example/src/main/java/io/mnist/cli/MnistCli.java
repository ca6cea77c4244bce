package io.mnist.cli;

import io.mnist.api.BackendNotFoundException;
import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.data.IdxFormatException;
import io.mnist.api.data.MnistDataException;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code mnist} command: the Keras notebook's whole job, and more, on whichever backend is on the classpath.
 * It reaches backends only through {@code mnist-api}.
 */
@Command(name = "mnist", mixinStandardHelpOptions = true, versionProvider = MnistCli.Version.class,
        description = "Handwritten digit recognition on the JVM: data, training, evaluation, prediction.",
        subcommands = {DataCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
                DemoCommand.class, BenchCommand.class, ConvertCommand.class, TestSetCommand.class, PreprocessCommand.class,
                DoctorCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class MnistCli {
    /** Exit code when some inputs failed but the rest were processed. */
    public static final int EXIT_PARTIAL = 1;
    /** Exit code for bad arguments, missing or damaged files, and environment problems. */
    public static final int EXIT_USAGE = 2;

    @Option(names = "--backend", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Backend to use (djl, dl4j); default: -Dmnist.backend, MNIST_BACKEND, the only one present,"
                    + " else djl.")
    String backend;

    /** The chosen backend. */
    DigitBackend backend() {
        return backend == null ? DigitClassifiers.backend() : DigitClassifiers.backend(backend);
    }

    /**
     * The model in {@code file}, or the chosen backend's bundled model when {@code file} is null. A file saved by
     * another backend than an explicit {@code --backend} is refused rather than silently loaded elsewhere.
     */
    DigitClassifier model(Path file) throws IOException {
        String chosen = backend().name();
        if (file == null) {
            return DigitClassifiers.pretrained(chosen);
        }
        DigitClassifier model = DigitClassifiers.load(file);
        if (backend != null && !model.info().backend().equals(backend)) {
            String saved = model.info().backend();
            model.close();
            throw new IllegalArgumentException(file + " was saved by backend '"
                    + saved + "', but --backend " + backend + " was given. Drop --backend to use '" + saved
                    + "', or pass a model trained with " + backend + ".");
        }
        return model;
    }

    /** Runs the command line and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new MnistCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("mnist: " + explain(e));
            commandLine.getErr().flush();
            return EXIT_USAGE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** A one-line reason for a failure, with what to do where the exception does not say it. */
    static String explain(Exception e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file. Check the path (relative paths start from "
                    + Path.of("").toAbsolutePath() + ").";
        }
        if (e instanceof ModelFileException || e instanceof BackendNotFoundException
                || e instanceof MnistDataException || e instanceof IdxFormatException
                || e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The version of this program and of each backend present. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String own = MnistCli.class.getPackage().getImplementationVersion();
            return new String[] {"mnist " + (own == null ? "(development build)" : own),
                    "backends: " + String.join(", ", DigitClassifiers.available())};
        }
    }
}
