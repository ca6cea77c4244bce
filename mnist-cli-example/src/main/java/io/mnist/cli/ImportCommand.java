package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.Evaluation;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.keras.KerasImportOptions;
import io.mnist.api.keras.KerasModel;
import io.mnist.api.keras.KerasModels;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mnist import FILE --output m.mnist}: reads a Keras model ({@code .h5} or {@code .keras}), builds it on the
 * chosen backend, checks it on the 10,000 MNIST test images and saves it as a model file that records where it came
 * from. What cannot be imported is refused with the layer, option and value (exit code 2).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a Keras model (.h5 or .keras), check it on the MNIST test set and save it as a model file.")
final class ImportCommand extends Subcommand {
    /** Below this test accuracy the input scale is probably wrong, and the user is told how to change it. */
    static final double SUSPICIOUS_ACCURACY = 0.9;

    @Parameters(index = "0", paramLabel = "FILE", description = "The Keras model file (model.save(\"x.h5\") or \"x.keras\").")
    Path file;
    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Model file to write.")
    Path output;
    @Option(names = "--input-scale", paramLabel = "SCALE", description = "What the Keras model was fed: 1 (pixels"
            + " in [0, 1], notebooks that divide by 255) or 255 (raw 0-255 pixels); default: 255 if the model starts"
            + " with Rescaling(1/255), else 1.")
    Double inputScale;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws Exception {
        if (inputScale != null && inputScale != 1 && inputScale != 255) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--input-scale is 1 (pixels in [0, 1]) or 255 (raw 0-255 pixels), not " + inputScale);
        }
        // Before reading, building and evaluating: a folder, a path under a file or an unwritable folder fails now.
        io.mnist.api.model.ModelFile.checkWritable(output);
        KerasImportOptions options = KerasImportOptions.defaults();
        if (inputScale != null) {
            options = options.withInputScale(inputScale);
        }
        KerasModel keras = KerasModels.read(file, options);
        MnistDataset test = MnistData.test();
        Map<String, Object> m = new LinkedHashMap<>();
        NetworkSpec network = keras.network();
        try (DigitClassifier imported = DigitClassifiers.importKeras(keras, cli.backend)) {
            Evaluation ev = imported.evaluate(test);
            ModelInfo info = imported.info().withTestAccuracy(ev.accuracy());
            if (output.toAbsolutePath().getParent() != null) {
                Files.createDirectories(output.toAbsolutePath().getParent());
            }
            // The model file records the accuracy measured here, so the imported model is rebuilt with it to save.
            try (DigitClassifier saved = DigitClassifiers.backend(info.backend()).fromWeights(info, keras.weights())) {
                saved.save(output);
            }
            m.put("file", file.toString());
            m.put("format", keras.source().format());
            m.put("producer", keras.source().producer());
            m.put("sha256", keras.source().sha256());
            m.put("backend", info.backend());
            m.put("layers", keras.layers());
            m.put("parameters", network.parameterCount());
            m.put("classes", network.classes());
            m.put("keras_input_scale", keras.source().inputScale());
            m.put("input_scale", network.inputScale());
            m.put("images", ev.total());
            m.put("accuracy", ev.accuracy());
            m.put("model", output.toString());
        }
        double accuracy = (double) m.get("accuracy");
        if (format == Format.json) {
            Json.print(out(), m);
        } else {
            PrintWriter out = out();
            out.printf("Imported %s on %s:%n", keras.source(), m.get("backend"));
            for (String line : keras.layers()) {
                out.println("  " + line);
            }
            out.printf(Locale.ROOT, "%,d parameters, %d classes, input scale %s (%s)%n", network.parameterCount(),
                    network.classes(), scale(network.inputScale()), keras.source().inputScale() == 255
                            ? "the Keras model is fed 0-255 pixels" : "the Keras model is fed pixels in [0, 1]");
            out.printf(Locale.ROOT, "Test accuracy on the %,d MNIST test images: %.2f%%%nModel: %s%n", test.size(),
                    100 * accuracy, output);
            out.flush();
        }
        if (accuracy < SUSPICIOUS_ACCURACY) {
            err().printf(Locale.ROOT, "mnist: the imported model reads only %.1f%% of the MNIST test digits. If its"
                    + " notebook fed %s, import it again with --input-scale %s.%n", 100 * accuracy,
                    keras.source().inputScale() == 255 ? "pixels divided by 255" : "raw 0-255 pixels",
                    keras.source().inputScale() == 255 ? "1" : "255");
            err().flush();
        }
        return 0;
    }

    private static String scale(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }
}
