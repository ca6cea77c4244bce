package io.mnist.api.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.Evaluation;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingConfig;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.model.BackendUnavailableException;
import io.mnist.api.model.CorruptModelFileException;
import io.mnist.api.model.DigestMismatchException;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.model.NotAModelFileException;
import io.mnist.api.model.UnsupportedModelVersionException;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rules every backend follows. A backend module's tests extend this class and return their backend:
 *
 * <pre>{@code
 * class DjlBackendContractTest extends DigitBackendContract {
 *     protected DigitBackend backend() { return new DjlBackend(); }
 * }
 * }</pre>
 *
 * <p>The seed recipe is trained once, for two epochs on the first 6,000 training images, and every rule is checked
 * on that model and on files saved from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DigitBackendContract {
    /** Training images for the contract's model. */
    protected static final int TRAIN_IMAGES = 6_000;
    /** Test images it is scored on. */
    protected static final int TEST_IMAGES = 1_000;
    /** The accuracy two epochs of the seed recipe must reach on them (PyTorch reaches about 95%). */
    protected static final double MIN_ACCURACY = 0.93;
    /** Largest allowed difference between a model's and its reloaded copy's probabilities. */
    protected static final double SAVE_LOAD_TOLERANCE = 1e-5;
    /** The seed network's parameter count, as Keras and PyTorch count it. */
    protected static final long SEED_PARAMETERS = 1_199_882L;

    private DigitClassifier model;
    private RecordingListener events;
    private MnistDataset test;
    private Path dir;
    private Path saved;

    /** Largest growth of resident memory allowed over the memory probe's predictions, after warm-up. */
    protected static final long MAX_RSS_GROWTH_BYTES = 50L << 20;

    /** System property that sets the memory probe's prediction count for one run, e.g. the full 100,000. */
    public static final String MEMORY_PROBE_PROPERTY = "mnist.contract.memoryProbe";

    /** The backend under test. */
    protected abstract DigitBackend backend();

    /**
     * How many single predictions the memory probe runs after warm-up: 100,000, so that a leak of even a few
     * hundred bytes per call shows. A backend far slower than a network may lower it, saying why; the system
     * property {@value #MEMORY_PROBE_PROPERTY} overrides it for one run.
     */
    protected int memoryProbePredictions() {
        return 100_000;
    }

    /**
     * Whether this backend's models are networks of a {@link NetworkSpec} whose weights it exports and imports in
     * the neutral layout. Every real backend must say yes; only the API's own test fake, which memorises images,
     * says no.
     */
    protected boolean hasNetworkWeights() {
        return true;
    }

    /** Whether this backend ships a pretrained model in its jar. Every real backend must; only the fake does not. */
    protected boolean shipsPretrainedModel() {
        return true;
    }

    /** The accuracy the bundled model must reach on all 10,000 MNIST test images. */
    public static final double PRETRAINED_MIN_ACCURACY = 0.993;
    /** The most a bundled model file may weigh in the backend's jar. */
    public static final long PRETRAINED_MAX_BYTES = 6L << 20;

    /** The recipe the contract trains: the seed recipe for two epochs. */
    protected TrainingConfig contractRecipe() {
        return TrainingConfig.builder().epochs(2).build();
    }

    @BeforeAll
    void trainOnce() throws IOException {
        MnistDataset train = MnistData.train().first(TRAIN_IMAGES);
        test = MnistData.test().first(TEST_IMAGES);
        events = new RecordingListener();
        model = backend().trainer(contractRecipe()).train(train, test, events);
        for (var epoch : model.info().history()) {
            System.out.printf("[contract] %s epoch %d: train loss %.4f, test accuracy %.4f, %.1f s%n",
                    backend().name(), epoch.epoch(), epoch.trainLoss(), epoch.testAccuracy(), epoch.seconds());
        }
        dir = Files.createTempDirectory("mnist-contract-");
        saved = dir.resolve("contract.mnist");
        model.save(saved);
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (model != null) {
            model.close();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertThat(DigitClassifiers.available()).as("backends found by ServiceLoader").contains(backend().name());
        assertThat(DigitClassifiers.backend(backend().name())).as("the registered instance")
                .isInstanceOf(backend().getClass());
        assertThat(backend().name()).as("names are lower case").isEqualTo(backend().name().toLowerCase());
    }

    /**
     * The matrix product peak, if the backend measures it, is a positive rate of a real product (a 256 x 256 one,
     * small: the size is the caller's choice), and arguments out of range are refused either way.
     */
    @Test
    void measuresItsMatrixProductOrSaysItDoesNot() {
        java.util.OptionalDouble gflops = backend().matmulGflops(256, 2);
        gflops.ifPresent(g -> assertThat(g).as("GFLOP/s of a 256 x 256 float32 product").isPositive().isFinite());
        System.out.printf("[contract] %s matrix product 256 x 256: %s%n", backend().name(),
                gflops.isPresent() ? String.format("%.1f GFLOP/s", gflops.getAsDouble()) : "not measured");
        assertThatThrownBy(() -> backend().matmulGflops(0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backend().matmulGflops(256, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seedNetworkHasTheSeedParameterCount() {
        assertThat(NetworkSpec.seed().parameterCount()).as("the spec's own count").isEqualTo(SEED_PARAMETERS);
        assertThat(events.started.parameterCount()).as("parameters the engine built").isEqualTo(SEED_PARAMETERS);
        assertThat(model.info().parameterCount()).as("parameters in the model info").isEqualTo(SEED_PARAMETERS);
    }

    @Test
    void twoEpochsOfTheSeedRecipeReachTheAccuracyFloor() {
        Evaluation ev = model.evaluate(test);
        assertThat(ev.total()).isEqualTo(TEST_IMAGES);
        assertThat(ev.accuracy()).as("accuracy on %d test images after 2 epochs on %d:%n%s", TEST_IMAGES,
                TRAIN_IMAGES, ev).isGreaterThanOrEqualTo(MIN_ACCURACY);
        assertThat(model.info().testAccuracy()).as("the last epoch's validation accuracy is the evaluation's")
                .isCloseTo(ev.accuracy(), within(1e-9));
    }

    @Test
    void reportsEveryBatchAndEpochInOrder() {
        int batches = (TRAIN_IMAGES + 127) / 128;
        List<String> expected = new ArrayList<>();
        expected.add("start");
        for (int epoch = 1; epoch <= 2; epoch++) {
            expected.add("epoch " + epoch + "/2");
            for (int b = 1; b <= batches; b++) {
                expected.add("batch " + b + "/" + batches);
            }
            expected.add("end " + epoch);
        }
        expected.add("done");
        assertThat(events.events).as("listener events").containsExactlyElementsOf(expected);
        assertThat(events.started.backend()).isEqualTo(backend().name());
        assertThat(events.batches).as("batch losses are finite and positive")
                .allSatisfy(b -> assertThat(b.loss()).isFinite().isPositive());
        assertThat(events.epochs).as("epoch results").allSatisfy(e -> {
            assertThat(e.trainLoss()).isFinite().isPositive();
            assertThat(e.trainAccuracy()).isBetween(0.5, 1.0);
            assertThat(e.testLoss()).isFinite().isPositive();
            assertThat(e.testAccuracy()).isBetween(0.5, 1.0);
            assertThat(e.seconds()).isPositive();
        });
        assertThat(model.info().history()).as("history kept in the model").isEqualTo(events.epochs);
        assertThat(model.info().backend()).isEqualTo(backend().name());
    }

    @Test
    void saveThenLoadGivesTheSameProbabilities() throws IOException {
        try (DigitClassifier loaded = DigitClassifiers.load(saved)) {
            assertThat(loaded.info().backend()).isEqualTo(backend().name());
            assertThat(loaded.info().history()).as("history survives saving").isEqualTo(model.info().history());
            assertThat(loaded.info().parameterCount()).isEqualTo(model.info().parameterCount());
            List<DigitImage> images = images(TEST_IMAGES);
            double worst = Prediction.largestDifference(model.predictAll(images), loaded.predictAll(images));
            assertThat(worst).as("largest probability difference after save and load").isLessThanOrEqualTo(
                    SAVE_LOAD_TOLERANCE);
        }
    }

    @Test
    void theTrainerFitsANotADigitDetectorThatSurvivesSaveAndLoad() throws IOException {
        assertThat(model.info().notADigitDetector()).as("fitted by the shared trainer after the last epoch")
                .isNotNull();
        try (DigitClassifier loaded = DigitClassifiers.load(saved)) {
            assertThat(loaded.info().notADigitDetector()).as("the detector's entry, read back")
                    .isEqualTo(model.info().notADigitDetector());
            List<DigitImage> images = images(50);
            List<Prediction> before = model.predictAll(images);
            List<Prediction> after = loaded.predictAll(images);
            for (int i = 0; i < images.size(); i++) {
                assertThat(after.get(i).hasOutOfDistributionScore()).as("image %d has a score", i).isTrue();
                // The residual part is the same pixels and statistics; the confidence part moves with the
                // probabilities, which save and load may change by SAVE_LOAD_TOLERANCE.
                assertThat(after.get(i).outOfDistributionScore()).as("score of image %d after save and load", i)
                        .isCloseTo(before.get(i).outOfDistributionScore(), org.assertj.core.api.Assertions.within(
                                SAVE_LOAD_TOLERANCE / model.info().notADigitDetector().calibration()
                                        .confidenceThreshold() + 1e-9));
            }
        }
    }

    @Test
    void predictionsFromEightThreadsMatchOneThread() throws Exception {
        List<DigitImage> images = images(200);
        List<Prediction> single = images.stream().map(model::predict).toList();
        List<Prediction> batched = model.predictAll(images);
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>(IntStream.range(0, images.size()).boxed().toList());
                    Collections.shuffle(order, new Random(seed));
                    start.await();
                    List<String> mismatches = new ArrayList<>();
                    for (int i : order) {
                        differs(single.get(i), model.predict(images.get(i)), "image " + i, mismatches);
                    }
                    List<Prediction> again = model.predictAll(images);
                    for (int i = 0; i < images.size(); i++) {
                        differs(batched.get(i), again.get(i), "batched image " + i, mismatches);
                    }
                    return mismatches;
                }));
            }
            for (Future<List<String>> f : futures) {
                assertThat(f.get()).as("predictions that differ from the single-threaded ones").isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void answersTheSameWhateverTheThreadsPerCallHint() {
        List<DigitImage> images = images(200);
        List<Prediction> batched = model.predictAll(images);
        List<Prediction> single = images.subList(0, 20).stream().map(model::predict).toList();
        try {
            for (int threads : new int[] {1, 2, 0}) {
                model.setThreadsPerCall(threads);
                assertThat(Prediction.largestDifference(batched, model.predictAll(images)))
                        .as("largest probability difference of a batch with %d threads per call", threads)
                        .isLessThanOrEqualTo(SAVE_LOAD_TOLERANCE);
                assertThat(Prediction.largestDifference(single,
                        images.subList(0, 20).stream().map(model::predict).toList()))
                        .as("largest probability difference of single images with %d threads per call", threads)
                        .isLessThanOrEqualTo(SAVE_LOAD_TOLERANCE);
            }
            assertThatThrownBy(() -> model.setThreadsPerCall(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 1");
        } finally {
            model.setThreadsPerCall(0);
        }
    }

    @Test
    void networkWeightsMoveOutAndBackUnchanged() {
        assumeTrue(hasNetworkWeights(), "this backend has no network weights");
        NetworkWeights weights = model.networkWeights();
        assertThat(weights.network()).isEqualTo(model.info().network());
        assertThat(weights.parameterCount()).as("values exported").isEqualTo(SEED_PARAMETERS);
        assertThat(weights.tensors()).as("every tensor holds trained, finite values").allSatisfy(t -> {
            for (float v : t.values()) {
                assertThat(v).isFinite();
            }
        });
        try (DigitClassifier copy = DigitClassifiers.convert(model, backend().name())) {
            assertThat(copy.info().backend()).isEqualTo(backend().name());
            assertThat(copy.info().convertedFrom().backend()).as("the copy says where its weights come from")
                    .isEqualTo(backend().name());
            assertThat(copy.info().convertedFrom().backendVersion()).isEqualTo(backend().engineVersion());
            assertThat(copy.info().history()).as("the training record moves with the weights")
                    .isEqualTo(model.info().history());
            assertThat(copy.networkWeights()).as("weights exported again after import").isEqualTo(weights);
            List<DigitImage> images = images(TEST_IMAGES);
            double worst = Prediction.largestDifference(model.predictAll(images), copy.predictAll(images));
            assertThat(worst).as("largest probability difference after export and import")
                    .isLessThanOrEqualTo(SAVE_LOAD_TOLERANCE);
        }
    }

    /**
     * The bundled model is there, at most {@link #PRETRAINED_MAX_BYTES}, has the digest recorded beside it, was
     * trained with the documented recipe, and scores {@link #PRETRAINED_MIN_ACCURACY} on all 10,000 test images.
     */
    @Test
    void bundledModelHasItsRecordedDigestAndScoresOnTheWholeTestSet() throws IOException {
        assumeTrue(shipsPretrainedModel(), "this backend ships no model");
        byte[] bytes;
        try (var in = backend().pretrainedModel().orElseThrow(() -> new AssertionError(backend().name()
                + " ships no pretrained model"))) {
            bytes = in.readAllBytes();
        }
        assertThat((long) bytes.length).as("bundled model size in bytes").isLessThanOrEqualTo(PRETRAINED_MAX_BYTES);
        long start = System.nanoTime();
        try (DigitClassifier bundled = DigitClassifiers.pretrained(backend().name())) {
            double loadMs = (System.nanoTime() - start) / 1e6;
            ModelInfo info = bundled.info();
            assertThat(info.backend()).isEqualTo(backend().name());
            assertThat(info.training()).as("trained with the documented recipe").isEqualTo(
                    TrainingConfig.pretrained());
            assertThat(info.trainingData().source()).as("the manifest names the training data").contains("sha256");
            assertThat(info.trainingData().images()).as("trained on the whole training set").isEqualTo(60_000);
            MnistDataset all = MnistData.test();
            Evaluation ev = bundled.evaluate(all);
            System.out.printf("[contract] %s bundled model: %,d bytes, loaded in %.0f ms, accuracy %.4f on %,d test"
                    + " images (manifest says %s)%s%n", backend().name(), bytes.length, loadMs, ev.accuracy(),
                    all.size(), info.testAccuracy(),
                    info.convertedFrom() == null ? "" : ", converted from " + info.convertedFrom());
            assertThat(ev.total()).isEqualTo(10_000);
            assertThat(ev.accuracy()).as("bundled model's accuracy on the MNIST test set:%n%s", ev)
                    .isGreaterThanOrEqualTo(PRETRAINED_MIN_ACCURACY);
            assertThat(info.testAccuracy()).as("the accuracy the manifest records").isCloseTo(ev.accuracy(),
                    within(1e-9));
        }
    }

    /**
     * Native memory stays flat: resident memory, less what the JVM itself committed meanwhile (heap, metaspace, code
     * cache), grows by less than {@value #MAX_RSS_GROWTH_BYTES} bytes over {@link #memoryProbePredictions()}
     * single predictions after a warm-up of half as many. Everything else that stays resident (engine arrays,
     * direct buffers) counts. Run the test JVM with a fixed, pre-touched heap
     * ({@code -Xms4g -Xmx4g -XX:+AlwaysPreTouch}, as this project's surefire does): otherwise heap pages that become
     * resident inside an already committed heap would count as growth.
     *
     * <p>Each reading first hands the C allocator's free pages back to the system ({@link #trimNativeHeap}), so the
     * probe counts memory something still holds, not memory glibc keeps after it was freed: without that, djl's
     * probe grew by +0 to +199 MB from run to run, and one such run returned 353 MB on a trim after the probe,
     * ending 231 MB below its own reading after the warm-up.
     */
    @Test
    void residentMemoryStaysFlatOverManySinglePredictions() throws IOException {
        int n = Integer.getInteger(MEMORY_PROBE_PROPERTY, memoryProbePredictions());
        // A long warm-up: libtorch's native memory sometimes reached its plateau only after the first 10,000
        // predictions (resident after warm-up 4,677-4,865 MB, after the run 4,835-4,882 MB in four CI runs).
        long[] before = memoryAfter(n / 2);
        long[] after = memoryAfter(n);
        long growth = (after[0] - before[0]) - (after[1] - before[1]) - (after[2] - before[2]);
        System.out.printf("[contract] %s: resident %d MB (heap %d MB, JVM non-heap %d MB) after warm-up, %d MB (heap"
                + " %d MB, non-heap %d MB) after %,d more single predictions: %+d MB outside the JVM's own memory%n",
                backend().name(), before[0] >> 20, before[1] >> 20, before[2] >> 20, after[0] >> 20, after[1] >> 20,
                after[2] >> 20, n, growth >> 20);
        assertThat(growth).as("resident memory growth outside the JVM's heap and non-heap, in bytes, over %,d single"
                + " predictions", n).isLessThan(MAX_RSS_GROWTH_BYTES);
    }

    /**
     * Asks the JVM to return the C heap's free memory to the system ({@code jcmd PID System.trim_native_heap}, glibc's
     * {@code malloc_trim}; JDK 17.0.9 and later). Returns whether the JVM did; on a JVM without the command nothing
     * happens and the probe reads resident memory as it is.
     */
    protected static boolean trimNativeHeap() {
        try {
            Object answer = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return String.valueOf(answer).contains("RSS");
        } catch (javax.management.JMException | RuntimeException e) {
            return false;
        }
    }

    /** Resident bytes, committed heap bytes and committed non-heap bytes after {@code n} single predictions. */
    private long[] memoryAfter(int n) throws IOException {
        List<DigitImage> images = images(TEST_IMAGES);
        int answered = 0;
        for (int i = 0; i < n; i++) {
            answered += model.predict(images.get(i % images.size())).digit() >= 0 ? 1 : 0;
        }
        assertThat(answered).isEqualTo(n);
        // Engines free native memory on their own threads once the collector has found the Java owners (ND4J's
        // deallocator, DJL's cleaners), so one collection and one reading may come before the freeing: collect,
        // trim and read again until two readings agree within a megabyte (at most 20 rounds, a few seconds).
        boolean trimmed = false;
        long resident = Long.MAX_VALUE;
        for (int round = 0; round < 20; round++) {
            System.gc();
            trimmed = trimNativeHeap();
            long now = residentBytes();
            boolean settled = Math.abs(resident - now) < (1L << 20);
            resident = now;
            if (settled) {
                break;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        System.out.printf("[contract] %s: after %,d single predictions, %s%n", backend().name(), n,
                trimmed ? "C heap trimmed" : "this JVM cannot trim the C heap; resident memory read as it is");
        return new long[] {resident, memory.getHeapMemoryUsage().getCommitted(),
                memory.getNonHeapMemoryUsage().getCommitted()};
    }

    /** This process's resident set size, from {@code /proc/self/status} (Linux, the platform this project runs on). */
    protected static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("/proc/self/status has no VmRSS line");
    }

    @Test
    void useAfterCloseFailsClearly() throws IOException {
        DigitClassifier loaded = DigitClassifiers.load(saved);
        DigitImage image = test.image(0);
        loaded.predict(image);
        loaded.close();
        loaded.close();
        assertThatThrownBy(() -> loaded.predict(image)).as("predict after close")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> loaded.predictAll(List.of(image))).as("predictAll after close")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> loaded.save(dir.resolve("after-close.mnist"))).as("save after close")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(dir.resolve("after-close.mnist")).doesNotExist();
    }

    @Test
    void rejectsAMissingFile() {
        Path missing = dir.resolve("no-such.mnist");
        assertThatThrownBy(() -> DigitClassifiers.load(missing)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void rejectsAFileThatIsNotAModel() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.mnist"), "these are not weights");
        assertThatThrownBy(() -> DigitClassifiers.load(text)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("is not an mnist model file").hasMessageContaining(text.toString());
    }

    @Test
    void rejectsATruncatedModel() throws IOException {
        for (double fraction : new double[] {0.5, 0.99}) {
            Path cut = ModelFileSurgery.truncated(saved, fraction, dir.resolve("cut-" + fraction + ".mnist"));
            assertThatThrownBy(() -> DigitClassifiers.load(cut)).as("cut at %s", fraction)
                    .isInstanceOf(CorruptModelFileException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void rejectsAModelWhoseWeightsWereAltered() throws IOException {
        Path altered = ModelFileSurgery.rewritten(saved, dir.resolve("altered.mnist"), m -> { },
                (name, bytes) -> {
                    byte[] copy = bytes.clone();
                    copy[copy.length / 2] ^= 0x40;
                    return copy;
                }, false);
        assertThatThrownBy(() -> DigitClassifiers.load(altered)).isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("SHA-256").hasMessageContaining("altered");
    }

    @Test
    void rejectsAModelOfABackendThatIsNotOnTheClasspath() throws IOException {
        Path foreign = ModelFileSurgery.rewritten(saved, dir.resolve("foreign.mnist"),
                m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("model")).put("backend", "tensorflow"),
                (name, bytes) -> bytes, false);
        assertThatThrownBy(() -> DigitClassifiers.load(foreign)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("saved by backend 'tensorflow'")
                .hasMessageContaining("io.mnist:mnist-tensorflow")
                .hasMessageContaining(backend().name());
    }

    @Test
    void rejectsANewerFormatVersion() throws IOException {
        Path future = ModelFileSurgery.rewritten(saved, dir.resolve("future.mnist"),
                m -> m.put("formatVersion", 99), (name, bytes) -> bytes, false);
        assertThatThrownBy(() -> DigitClassifiers.load(future))
                .isInstanceOf(UnsupportedModelVersionException.class)
                .hasMessageContaining("version 99").hasMessageContaining("Upgrade");
    }

    @Test
    void rejectsWeightsThatAreCutShortEvenWithMatchingDigests() throws IOException {
        // Only the backend's entries: a cut detector entry is refused by the API before the backend is asked.
        Path shortened = ModelFileSurgery.rewritten(saved, dir.resolve("short.mnist"), m -> { },
                (name, bytes) -> name.equals(io.mnist.api.ood.NotADigitDetector.ENTRY) ? bytes
                        : java.util.Arrays.copyOf(bytes, bytes.length / 2), true);
        assertThatThrownBy(() -> DigitClassifiers.load(shortened)).as("the backend checks its own weights")
                .isInstanceOf(ModelFileException.class).hasMessageContaining(shortened.toString());
    }

    @Test
    void rejectsWeightsThatDoNotFitTheNetworkInTheManifest() throws IOException {
        Path mismatched = ModelFileSurgery.rewritten(saved, dir.resolve("mismatched.mnist"), m -> {
            for (var layer : m.get("model").get("network").get("layers")) {
                if (layer.path("type").asText().equals("dense") && layer.path("units").asInt() == 128) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) layer).put("units", 64);
                }
            }
        }, (name, bytes) -> bytes, true);
        assertThatThrownBy(() -> DigitClassifiers.load(mismatched))
                .as("weights of a 128-unit layer in a file that declares 64 units")
                .isInstanceOf(ModelFileException.class).hasMessageContaining(mismatched.toString());
    }

    /** The first {@code n} contract test images. */
    protected List<DigitImage> images(int n) {
        return IntStream.range(0, n).mapToObj(test::image).toList();
    }

    /** The trained contract model, for a backend's own extra tests. */
    protected DigitClassifier model() {
        return model;
    }

    /** Info of the trained contract model. */
    protected ModelInfo info() {
        return model.info();
    }

    private static void differs(Prediction expected, Prediction actual, String what, List<String> out) {
        if (expected.digit() != actual.digit()) {
            out.add(what + ": digit " + actual.digit() + " instead of " + expected.digit());
            return;
        }
        for (int d = 0; d < 10; d++) {
            if (Math.abs(expected.probability(d) - actual.probability(d)) > SAVE_LOAD_TOLERANCE) {
                out.add(what + ": p(" + d + ") " + actual.probability(d) + " instead of " + expected.probability(d));
                return;
            }
        }
    }
}
