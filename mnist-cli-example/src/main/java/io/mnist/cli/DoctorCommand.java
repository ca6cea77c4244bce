package io.mnist.cli;

import io.mnist.api.DigitClassifiers;
import io.mnist.api.LibraryVersion;
import io.mnist.api.data.MnistData;
import io.mnist.api.spi.DigitBackend;
import io.mnist.api.spi.UnpackedNatives;
import java.io.PrintWriter;
import java.util.List;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code mnist doctor}: which backends are present, which is chosen, and where data and natives live. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show the backends present, the one chosen, and where data and engine natives are kept.")
final class DoctorCommand extends Subcommand {

    @picocli.CommandLine.Option(names = "--no-digests", description = "Check the unpacked natives' sizes only, not"
            + " their SHA-256 (which reads them all, several hundred MB).")
    boolean noDigests;

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
        int damaged = 0;
        for (String name : DigitClassifiers.available()) {
            damaged += checkNatives(name, DigitClassifiers.backend(name), !noDigests, out);
        }
        out.flush();
        return damaged == 0 ? 0 : MnistCli.EXIT_USAGE;
    }

    /**
     * Compares the backend's unpacked natives with the jars they came from; prints one line if all match, else one
     * per damaged library with what to do. Returns how many are damaged.
     */
    static int checkNatives(String name, DigitBackend backend, boolean digests, PrintWriter out) {
        List<UnpackedNatives.Library> libraries;
        List<UnpackedNatives.Mismatch> bad;
        try {
            libraries = backend.unpackedNatives();
            bad = UnpackedNatives.check(libraries, digests);
        } catch (java.io.IOException | RuntimeException e) {
            out.printf("natives     %s: cannot be checked (%s)%n", name, e.getMessage());
            return 0;
        }
        long unpacked = libraries.stream().filter(l -> java.nio.file.Files.exists(l.file())).count();
        if (libraries.isEmpty()) {
            return 0;
        }
        if (bad.isEmpty()) {
            out.printf("natives     %s: %d of %d libraries unpacked, all as in the jars (%s)%s%n", name, unpacked,
                    libraries.size(), digests ? "size and SHA-256" : "size", unpacked < libraries.size()
                            ? "; the rest are unpacked when needed" : "");
            return 0;
        }
        for (UnpackedNatives.Mismatch m : bad) {
            out.printf("natives     %s: DAMAGED %s: %s. Delete it (rm '%s'); %s unpacks it again at its next"
                    + " start%n", name, m.file(), m.problem(), m.file(), name);
        }
        return bad.size();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
