package io.mnist.cli;

import io.mnist.api.BackendNotFoundException;
import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.LibraryVersion;
import io.mnist.api.data.IdxFormatException;
import io.mnist.api.data.MnistDataException;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFile;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code mnist} command: the Keras notebook's whole job, and more, on whichever backend is on the classpath.
 * It reaches backends only through {@code mnist-api}.
 */
@Command(name = "mnist", mixinStandardHelpOptions = true, versionProvider = MnistCli.Version.class,
        description = "Handwritten digit recognition on the JVM: data, training, evaluation, prediction.",
        subcommands = {DataCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
                DemoCommand.class, BenchCommand.class, ConvertCommand.class, TestSetCommand.class, PreprocessCommand.class,
                ImportCommand.class, CalibrateCommand.class, DoctorCommand.class, ServeCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class MnistCli {
    /** Exit code when some inputs failed but the rest were processed. */
    public static final int EXIT_PARTIAL = 1;
    /**
     * Exit code for what the user can fix: bad arguments, a missing, damaged or unreadable file, a model of another
     * backend, no usable backend or natives, missing MNIST data.
     */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a failure inside the program or an engine (a bug, or out of memory); {@code --verbose} shows where. */
    public static final int EXIT_INTERNAL = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace as well as the one-line reason.")
    boolean verbose;

    @Option(names = "--backend", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Backend to use (djl, dl4j; onnxruntime to predict only); default: -Dmnist.backend,"
                    + " MNIST_BACKEND, the only one present, else djl to train and onnxruntime to predict.")
    String backend;

    /** The chosen backend for training (and for what is not a prediction). */
    DigitBackend backend() {
        return backend == null ? DigitClassifiers.backend() : DigitClassifiers.backend(backend);
    }

    /**
     * The model in {@code file}, or the bundled model when {@code file} is null, on the backend {@code --backend}
     * names; without {@code --backend}, a file runs on the backend that wrote it and the bundled model on the
     * backend chosen for inference ({@link DigitClassifiers#inferenceBackend()}). A file of another backend than
     * {@code --backend} is converted (both must be present), with a note on {@code err}.
     */
    DigitClassifier model(Path file) throws IOException {
        if (file == null) {
            return backend == null ? DigitClassifiers.pretrained() : DigitClassifiers.pretrained(backend);
        }
        if (backend == null) {
            // The file names its backend: no default is chosen (nor announced) for it.
            return DigitClassifiers.load(file);
        }
        ModelArchive archive = ModelFile.read(file);
        DigitClassifier model = DigitClassifiers.load(archive, backend);
        String writer = archive.manifest().model().backend();
        if (!writer.equals(model.info().backend())) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("mnist: note: %s was saved by backend '%s'; running it on '%s', converted%n", file, writer,
                    model.info().backend());
            err.flush();
        }
        return model;
    }

    /** Runs the command line and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(new CommandLine(new MnistCli()), out, err, args);
    }

    /** Runs {@code cli} (the {@code mnist} command, with extra sub-commands in tests) and returns the exit code. */
    static int run(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
        cli.setOut(out);
        cli.setErr(err);
        // --verbose is a flag of every command (inherited), so its presence anywhere in the arguments is the answer.
        boolean verbose = List.of(args).contains("--verbose");
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> report(e, commandLine.getErr(), verbose));
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, arguments) -> {
            int code = usage.handleParseException(e, arguments);
            String hint = optionLookalikes(e.getCommandLine(), arguments);
            if (hint != null) {
                e.getCommandLine().getErr().println(hint);
            }
            return code;
        });
        int code;
        try {
            code = cli.execute(args);
        } catch (Error e) {
            // picocli passes on Errors (out of memory, a native library that cannot link); they are internal too.
            code = report(e, err, verbose);
        }
        // PrintWriter keeps write errors to itself: a table printed into a full disk (predict --format csv > file)
        // would end silently with exit 0.
        String target = out == stdout ? standardOutput() : null;
        // A pipe whose reader stopped (| head) is the reader's choice, as SIGPIPE is for other programs.
        if (out.checkError() && (target == null || !target.startsWith("pipe:"))) {
            err.println("mnist: the output could not be written" + (target == null ? "" : " to " + target)
                    + " (the disk may be full, or the reading end closed); what was written is incomplete. Free some"
                    + " space, or send the output to another place.");
            code = Math.max(code, EXIT_USAGE);
        }
        out.flush();
        err.flush();
        return code;
    }

    /** The process's standard output, once {@link #main} has wrapped it. */
    private static volatile PrintWriter stdout;

    /** Where standard output goes ({@code /dev/full}, a file), where the system says; else "standard output". */
    private static String standardOutput() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "standard output";
        }
    }

    /**
     * A hint for arguments that start with '-' but are no option of the command, such as a file named
     * {@code -x.png}: picocli takes them for unknown options. {@code null} if there are none.
     */
    static String optionLookalikes(CommandLine command, String[] arguments) {
        List<String> lookalikes = new ArrayList<>();
        for (String a : arguments) {
            if (a.equals("--")) {
                break;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (a.startsWith("-") && a.length() > 1 && !isNumber(a) && !isOption(command, name)) {
                lookalikes.add(a);
            }
        }
        if (lookalikes.isEmpty()) {
            return null;
        }
        String first = lookalikes.get(0);
        return "mnist: " + String.join(", ", lookalikes.stream().map(a -> "'" + a + "'").toList())
                + (lookalikes.size() == 1 ? " is" : " are") + " not an option of '" + command.getCommandName()
                + "'. To name a file that starts with '-', write ./" + first + " or put -- before the file names"
                + " (mnist " + command.getCommandName() + " [options] -- " + first + ").";
    }

    private static boolean isOption(CommandLine command, String name) {
        for (CommandLine c = command; c != null; c = c.getParent()) {
            if (c.getCommandSpec().findOption(name) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Prints the one-line reason (and, if asked, the stack trace) and returns the exit code for {@code e}. */
    static int report(Throwable e, PrintWriter err, boolean verbose) {
        int code = exitCode(e);
        err.println("mnist: " + (code == EXIT_INTERNAL ? "internal error: " + e
                + (verbose ? "" : " (run again with --verbose for the stack trace)") : explain(e)));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** {@link #EXIT_USAGE} for what the user can fix, {@link #EXIT_INTERNAL} for anything else. */
    static int exitCode(Throwable e) {
        boolean userCanFix = e instanceof IOException || e instanceof ModelFileException
                || e instanceof BackendNotFoundException || e instanceof MnistDataException
                || e instanceof IdxFormatException || e instanceof IllegalArgumentException
                || e instanceof CommandLine.ParameterException
                // the backends' "cannot start the engine: it needs ... on the classpath" (natives, cache dir)
                || e.getMessage() != null && e.getMessage().startsWith("[mnist] ");
        return userCanFix ? EXIT_USAGE : EXIT_INTERNAL;
    }

    public static void main(String[] args) {
        // The command ships every backend on purpose and its help and 'doctor' say which one each use takes: the
        // library's notice that several are present would be on every command (a newcomer's find).
        if (System.getProperty("mnist.backendNotice") == null) {
            System.setProperty("mnist.backendNotice", "off");
        }
        stdout = new PrintWriter(System.out, true);
        System.exit(run(stdout, new PrintWriter(System.err, true), args));
    }

    /** A one-line reason for a failure, with what to do where the exception does not say it. */
    static String explain(Throwable e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file. Check the path (relative paths start from "
                    + Path.of("").toAbsolutePath() + ").";
        }
        if (e instanceof IOException && !(e instanceof java.nio.file.FileSystemException) && e.getMessage() != null
                && e.getMessage().contains("No space left on device")) {
            return e.getMessage() + ": a disk is full. Free some space, or write to another place.";
        }
        if (exitCode(e) == EXIT_USAGE && e.getMessage() != null) {
            // The library marks its messages "[mnist] " for logs; the command line already says "mnist: ".
            return e.getMessage().startsWith("[mnist] ") ? e.getMessage().substring(8) : e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The version of this program (that of the mnist-api it runs on) and of each backend present. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            List<String> lines = new ArrayList<>();
            lines.add("mnist " + LibraryVersion.current());
            for (String name : DigitClassifiers.available()) {
                lines.add("backend " + name + ": " + DigitClassifiers.backend(name).engineVersion());
            }
            return lines.toArray(String[]::new);
        }
    }
}
