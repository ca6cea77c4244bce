package io.mnist.cli;

import io.mnist.api.DigitClassifiers;
import io.mnist.api.LibraryVersion;
import io.mnist.api.data.MnistData;
import io.mnist.api.spi.DigitBackend;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code mnist doctor}: which backends are present, which is chosen, and where data and natives live. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show the backends present, the one chosen, and where data and engine natives are kept.")
final class DoctorCommand extends Subcommand {

    @Override
    public Integer call() {
        PrintWriter out = out();
        out.printf("mnist       %s%n", LibraryVersion.current());
        out.printf("Java        %s (%s), %s %s, %d cores%n", System.getProperty("java.version"),
                System.getProperty("java.vendor"), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
        for (String name : DigitClassifiers.available()) {
            DigitBackend b = DigitClassifiers.backend(name);
            out.printf("backend     %-11s %s (%s)%s%n", name, b.engineVersion(), b.artifact(),
                    b.pretrainedModel().isPresent() ? ", bundled model"
                            : b.trains() ? "" : ", inference only (runs the other backends' models, converted)");
        }
        String training = cli.backend().name();
        String predicting = cli.backend != null ? training : DigitClassifiers.inferenceBackend().name();
        out.printf("chosen      %s%n", training.equals(predicting) ? training
                : training + " to train, " + predicting + " to predict and evaluate");
        out.printf("MNIST data  %s%n", MnistData.defaults().directory());
        String home = System.getProperty("user.home");
        out.printf("DJL natives %s (ENGINE_CACHE_DIR or DJL_CACHE_DIR to move)%n", env("ENGINE_CACHE_DIR",
                env("DJL_CACHE_DIR", Path.of(home, ".djl.ai").toString())));
        out.printf("ND4J natives %s (-Dorg.bytedeco.javacpp.cachedir to move)%n",
                System.getProperty("org.bytedeco.javacpp.cachedir", Path.of(home, ".javacpp", "cache").toString()));
        if (DigitClassifiers.available().contains("onnxruntime")) {
            String nativePath = System.getProperty("onnxruntime.native.path");
            out.printf("ORT natives %s%n", nativePath != null ? nativePath + " (-Donnxruntime.native.path)"
                    : "unpacked from the jar into a temporary folder in " + System.getProperty("java.io.tmpdir")
                            + " at each start (-Donnxruntime.native.path=DIR to load them from DIR)");
        }
        out.flush();
        return 0;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
