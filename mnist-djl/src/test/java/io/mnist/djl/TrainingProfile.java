package io.mnist.djl;

import ai.djl.pytorch.jni.JniUtils;
import io.mnist.api.DigitClassifier;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingListener;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where djl's training time goes: trains the seed recipe (batch 128, RMSProp, the backend's own training step) for
 * warm-up batches, then runs libtorch's profiler over the timed batches and writes its trace (Chrome trace JSON) for
 * {@code scripts/profile-training.py --trace FILE} to sum by operator. Not a test; run it on this checkout's API
 * (not an older one in {@code ~/.m2}) with
 * <pre>
 * mvn -pl mnist-djl -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
 *     -Dmdep.includeScope=test
 * java -cp "mnist-djl/target/test-classes:mnist-djl/target/classes:$(cat mnist-djl/target/test-classpath.txt)" \
 *     io.mnist.djl.TrainingProfile runs/profile/djl-trace.json 10 20
 * </pre>
 */
public final class TrainingProfile {
    private TrainingProfile() {
    }

    public static void main(String[] args) throws Exception {
        Path trace = Path.of(args.length > 0 ? args[0] : "djl-trace.json").toAbsolutePath();
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int timed = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        MnistDataset train = MnistData.train().first((warm + timed) * 128);
        long[] ends = new long[warm + timed];
        TrainingListener profiler = new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEnd e) {
                ends[e.batch() - 1] = System.nanoTime();
                if (e.batch() == warm) {
                    // Shapes recorded, so that the trace tells the two convolutions and the two dense layers apart.
                    JniUtils.startProfile(false, true, false);
                } else if (e.batch() == warm + timed) {
                    JniUtils.stopProfile(trace.toString());
                }
            }
        };
        DjlBackend backend = new DjlBackend();
        double peakBefore = backend.matmulGflops(2_048, 5).orElseThrow();
        double seconds;
        try (DigitClassifier model = backend.trainer(TrainingConfig.builder().epochs(1).build())
                .train(train, null, profiler)) {
            seconds = (ends[ends.length - 1] - ends[warm - 1]) / 1e9;
        }
        double peak = Math.max(peakBefore, backend.matmulGflops(2_048, 5).orElseThrow());
        System.out.printf(Locale.ROOT, "djl (%s), %d threads: %d profiled batches of 128 after %d, %.0f images/s"
                + " while profiling; matrix product peak %.1f GFLOP/s (2048 x 2048, best of 5 before and after);"
                + " trace: %s%n", backend.engineVersion(), JniUtils.getNumThreads(), timed, warm,
                timed * 128 / seconds, peak, trace);
        System.out.printf(Locale.ROOT, "summary: /usr/bin/python3 scripts/profile-training.py --trace %s --peak %.1f%n",
                trace, peak);
    }
}
