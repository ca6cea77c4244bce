package io.mnist.djl;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifier;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingListener;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.model.ModelFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch says nothing on stderr while weights go into and out of a network: built from neutral weights, trained
 * for a few batches, saved and loaded back. It once printed "Warning: AutoNonVariableTypeMode is deprecated ..."
 * the first time weights were copied into a network ({@code NDArray.set}, DJL's JNI {@code torchSet}), which
 * {@link DjlNetwork} no longer does. libtorch writes to the process's own stderr (file descriptor 2), past
 * {@code System.err}, and warns once per process, so the work runs in a JVM of its own whose stderr is read; its
 * Java logging goes to stdout, so that its stderr holds only what bypasses Java (and the engine's own
 * "[mnist] ..." notes, of which there are none with a sound native cache).
 */
class LibtorchStderrTest {

    @Test
    void buildingTrainingSavingAndLoadingPrintNothingOnStderr(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx1g",
                "-Dorg.slf4j.simpleLogger.logFile=System.out", "-cp", System.getProperty("java.class.path"),
                Probe.class.getName(), dir.resolve("trained.mnist").toString()).directory(dir.toFile());
        builder.environment().remove("TORCH_CPP_LOG_LEVEL");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        String errors = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("stdout:%n%s%nstderr:%n%s", output, errors).isZero();
        assertThat(output).contains("fromWeights=exact").contains("trained=2 batches")
                .contains("reloaded=exact");
        assertThat(errors).as("the child's stderr (stdout:%n%s)", output).isEmpty();
    }

    /** Runs in the child JVM: the weights' whole way through the backend, checking that they arrive unchanged. */
    public static final class Probe {
        public static void main(String[] args) throws IOException {
            DjlBackend backend = new DjlBackend();
            NetworkSpec spec = NetworkSpec.seed();
            NetworkWeights weights = NetworkWeights.initial(spec, 7);
            ModelInfo info = new ModelInfo(DjlBackend.NAME, DjlEngine.version(), spec, spec.parameterCount(), null,
                    List.of(), null, null);
            try (DigitClassifier built = backend.fromWeights(info, weights)) {
                System.out.println("fromWeights=" + (built.networkWeights().equals(weights) ? "exact" : "changed"));
            }
            int count = 256;
            Random random = new Random(3);
            byte[] pixels = new byte[count * 784];
            random.nextBytes(pixels);
            byte[] labels = new byte[count];
            for (int i = 0; i < count; i++) {
                labels[i] = (byte) random.nextInt(10);
            }
            MnistDataset data = MnistDataset.of("noise", pixels, labels);
            Path file = Path.of(args[0]);
            TrainingConfig config = TrainingConfig.builder().epochs(1).batchSize(128).build();
            int[] batches = {0};
            TrainingListener counter = new TrainingListener() {
                @Override
                public void onBatchEnd(BatchEnd e) {
                    batches[0]++;
                }
            };
            try (DigitClassifier trained = backend.trainer(config).train(data, null, counter)) {
                System.out.println("trained=" + batches[0] + " batches");
                trained.save(file);
                try (DigitClassifier reloaded = backend.load(ModelFile.read(file))) {
                    System.out.println("reloaded=" + (reloaded.networkWeights().equals(trained.networkWeights())
                            ? "exact" : "changed"));
                }
            }
        }
    }
}
