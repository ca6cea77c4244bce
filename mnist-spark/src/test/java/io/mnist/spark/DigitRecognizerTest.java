package io.mnist.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.InvalidImageException;
import io.mnist.api.NumberReading;
import io.mnist.api.Prediction;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.Sha256;
import io.mnist.api.image.DigitPictures;
import io.mnist.api.ood.NonDigitImages;
import io.mnist.spark.example.RecognizeImages;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformer in Spark's local mode on two cores, over a folder of a few hundred images: MNIST test digits
 * written as PNG files at test time, files that are not usable images, and people's own handwriting from the shared
 * set. Its answers must be those of {@link DigitClassifier#predict} on the same files.
 */
class DigitRecognizerTest {
    static final int MNIST_IMAGES = 300;

    @TempDir
    static Path temp;
    static Path generated;
    static SparkSession spark;
    static DigitClassifier classifier;
    static Dataset<Row> images;
    static Dataset<Row> mnistImages;
    /** The digit-mode answers for {@code images}, computed once: the shared set's photos take a while to read. */
    static List<Row> answers;

    @BeforeAll
    static void start() throws IOException {
        generated = temp.resolve("images");
        TestImages.writeDigits(MnistData.test(), MNIST_IMAGES, generated);
        TestImages.writeBadFiles(generated);
        spark = SparkSession.builder().master("local[2]").appName("DigitRecognizerTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
        images = spark.read().format("binaryFile").load(generated.toString(), TestImages.realWorld().toString());
        mnistImages = spark.read().format("binaryFile").load(generated.toString());
        classifier = DigitClassifiers.pretrained("djl");
        answers = new DigitRecognizer().setBackend("djl").transform(images)
                .select("path", "digit", "confidence", "probabilities", "error", "ood_score", "not_a_digit")
                .collectAsList();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (classifier != null) {
            classifier.close();
        }
    }

    @Test
    void answersAreThoseOfPredictOnTheSameFiles() throws IOException {
        List<Row> rows = answers;
        assertThat(rows).as("one row per file").hasSize(MNIST_IMAGES + 4 + count(TestImages.realWorld()));
        double largest = 0;
        int answered = 0;
        for (Row row : rows) {
            Path file = Path.of(URI.create(row.getString(0)));
            Prediction expected;
            try {
                expected = classifier.predict(file);
            } catch (InvalidImageException e) {
                assertThat(row.isNullAt(1) && row.isNullAt(2) && row.isNullAt(3) && row.isNullAt(5)
                        && row.isNullAt(6)).as("no answers for %s", file).isTrue();
                assertThat(row.getStruct(4).getString(0)).as("error kind of %s", file).isEqualTo(e.kind().code());
                continue;
            }
            assertThat(row.isNullAt(4)).as("no error for %s: %s", file, row.get(4)).isTrue();
            assertThat(row.getInt(1)).as("digit of %s", file).isEqualTo(expected.digit());
            List<Float> probabilities = row.getList(3);
            for (int d = 0; d < 10; d++) {
                largest = Math.max(largest, Math.abs(probabilities.get(d) - expected.probability(d)));
            }
            assertThat(row.getDouble(2)).as("confidence of %s", file).isCloseTo(expected.confidence(), within(1e-5));
            assertThat(row.getDouble(5)).as("not-a-digit score of %s", file)
                    .isCloseTo(expected.outOfDistributionScore(), within(1e-4));
            assertThat(row.getBoolean(6)).as("marked as not a digit: %s", file).isEqualTo(row.getDouble(5) > 1);
            answered++;
        }
        System.out.printf("[spark] %d of %d files answered as predict answers them; largest probability"
                + " difference %.2g (batched against single)%n", answered, rows.size(), largest);
        assertThat(largest).as("largest difference from predict's probabilities").isLessThan(1e-5);
        assertThat(answered).as("images answered").isEqualTo(rows.size() - 4);
    }

    @Test
    void badFilesGetErrorRowsAndTheOthersAreStillAnswered() {
        Map<String, String> errors = new TreeMap<>();
        for (Row row : answers) {
            if (!row.isNullAt(4)) {
                errors.put(Path.of(URI.create(row.getString(0))).getFileName().toString(),
                        row.getStruct(4).getString(0));
                assertThat(row.getStruct(4).getString(1)).as("why %s failed", row.getString(0)).isNotBlank();
                assertThat(row.isNullAt(1)).isTrue();
            }
        }
        assertThat(errors).as("the files that failed, with their error kinds").containsExactlyEntriesOf(new TreeMap<>(
                Map.of("bad-damaged.png", "damaged", "bad-empty.png", "empty", "bad-not_an_image.png",
                        "not_an_image", "bad-unsupported_format.heic", "unsupported_format")));
    }

    @Test
    void nullAndEmptyImageBytesGetErrorRows() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("content", DataTypes.BinaryType);
        Dataset<Row> odd = spark.createDataFrame(List.of(RowFactory.create(1, null), RowFactory.create(2, new byte[0]),
                RowFactory.create(3, DigitPictures.png(new java.awt.image.BufferedImage(8, 8,
                        java.awt.image.BufferedImage.TYPE_BYTE_GRAY)))), schema);
        List<Row> rows = new DigitRecognizer().transform(odd).orderBy("id").select("digit", "error.kind")
                .collectAsList();
        assertThat(rows).extracting(r -> r.get(0)).as("digits").containsOnlyNulls();
        assertThat(rows).extracting(r -> r.getString(1)).as("error kinds of null, 0 bytes and a black square")
                .containsExactly("not_an_image", "not_an_image", "empty");
    }

    @Test
    void numberModeReadsAsReadNumberDoes() throws IOException {
        List<Row> rows = new DigitRecognizer().setMode(DigitRecognizer.NUMBER_MODE).transform(
                images.where("path like '%-number%'")).select("path", "text", "confidence", "error", "ood_score",
                "not_a_digit").collectAsList();
        assertThat(rows).as("the numbers in the shared set").hasSizeGreaterThanOrEqualTo(5);
        for (Row row : rows) {
            Path file = Path.of(URI.create(row.getString(0)));
            NumberReading expected = classifier.readNumber(file);
            assertThat(row.isNullAt(3)).as("no error for %s", file).isTrue();
            assertThat(row.getString(1)).as("number in %s", file).isEqualTo(expected.text());
            assertThat(row.getDouble(2)).as("confidence of %s", file).isCloseTo(expected.confidence(), within(1e-5));
            assertThat(row.getDouble(4)).as("largest not-a-digit score in %s", file)
                    .isCloseTo(expected.outOfDistributionScore(), within(1e-4));
            assertThat(row.getBoolean(5)).as("a digit marked in %s", file).isEqualTo(expected.containsNonDigit());
        }
    }

    @Test
    void mnistDigitsScoreLowAndDrawnNonDigitsAreMarked() throws IOException {
        Path nonDigits = temp.resolve("non-digits");
        Files.createDirectories(nonDigits);
        List<NonDigitImages.Sample> drawn = new ArrayList<>();
        drawn.addAll(NonDigitImages.generate(NonDigitImages.Kind.SCRIBBLE, 20, 19));
        drawn.addAll(NonDigitImages.generate(NonDigitImages.Kind.STROKE_LETTER, 22, 19));
        for (int i = 0; i < drawn.size(); i++) {
            Files.write(nonDigits.resolve(String.format("%02d-%s.png", i, drawn.get(i).name().replace(' ', '-'))),
                    DigitPictures.png(drawn.get(i).image()));
        }

        List<Row> marked = new DigitRecognizer().setBackend("djl").transform(spark.read().format("binaryFile")
                .load(nonDigits.toString())).select("digit", "ood_score", "not_a_digit").collectAsList();
        List<Double> digitScores = answers.stream()
                .filter(r -> r.getString(0).matches(".*/\\d{5}-label\\d\\.png") && r.isNullAt(4))
                .map(r -> r.getDouble(5)).sorted().toList();

        assertThat(marked).hasSize(drawn.size()).allSatisfy(r -> {
            assertThat(r.isNullAt(0)).as("still answered with a digit").isFalse();
            assertThat(r.getBoolean(2)).isEqualTo(r.getDouble(1) > 1);
        });
        long nonDigitsMarked = marked.stream().filter(r -> r.getBoolean(2)).count();
        long digitsMarked = digitScores.stream().filter(score -> score > 1).count();
        System.out.printf("[spark] marked as not digits: %d of %d drawn scribbles and letters, %d of %d MNIST test"
                + " digits (median score %.2f)%n", nonDigitsMarked, marked.size(), digitsMarked, digitScores.size(),
                digitScores.get(digitScores.size() / 2));
        assertThat(digitScores).as("MNIST test digits").hasSize(MNIST_IMAGES);
        // Measured: median 0.53, 1 of 300 digits and 24 of 42 non-digits marked.
        assertThat(digitScores.get(digitScores.size() / 2)).as("the median digit's score: well below the threshold")
                .isLessThan(0.75);
        // 1.35% of the 10,000 MNIST test digits are marked with the bundled model (RELIABILITY.md section 10).
        assertThat(digitsMarked).as("MNIST test digits marked, of " + MNIST_IMAGES).isLessThanOrEqualTo(9);
        // 69.5% of scribbles and 40.6% of stroke letters are marked there.
        assertThat(nonDigitsMarked).as("drawn non-digits marked, of " + drawn.size()).isGreaterThanOrEqualTo(15);
    }

    @Test
    void imageStructsFromSparksImageSourceAreRecognisedToo() {
        Dataset<Row> structs = spark.read().format("image").load(generated.toString())
                .where("image.origin like '%-label%'");
        Map<String, Integer> fromStructs = digits(new DigitRecognizer().setInputCol("image").transform(structs)
                .select("image.origin", "digit", "error"));
        Map<String, Integer> fromBytes = digits(new DigitRecognizer().transform(mnistImages)
                .select("path", "digit", "error"));
        assertThat(fromStructs).as("MNIST digits read by Spark's image source").hasSize(MNIST_IMAGES);
        assertThat(fromStructs).as("digits from image structs against those from the encoded files")
                .isEqualTo(Map.copyOf(fromBytes.entrySet().stream().filter(e -> fromStructs.containsKey(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
    }

    @Test
    void survivesSaveAndLoadInsideAPipeline() throws IOException {
        Path model = temp.resolve("model.mnist");
        classifier.save(model);
        DigitRecognizer recognizer = new DigitRecognizer().setModelPath(model.toString())
                .setModelSha256(Sha256.hex(model)).setDigitCol("answer").setProbabilitiesCol("").setBatchSize(64);
        SQLTransformer keep = new SQLTransformer().setStatement("SELECT path, answer, confidence, error FROM __THIS__");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {recognizer, keep});
        PipelineModel fitted = pipeline.fit(mnistImages);
        List<Row> before = fitted.transform(mnistImages).orderBy("path").collectAsList();

        fitted.write().overwrite().save(temp.resolve("pipeline-model").toString());
        pipeline.write().overwrite().save(temp.resolve("pipeline").toString());
        PipelineModel loaded = PipelineModel.load(temp.resolve("pipeline-model").toString());
        DigitRecognizer reloaded = (DigitRecognizer) loaded.stages()[0];
        assertThat(reloaded.uid()).isEqualTo(recognizer.uid());
        assertThat(reloaded.extractParamMap().toString()).as("params after save and load")
                .isEqualTo(recognizer.extractParamMap().toString());
        assertThat(loaded.transform(mnistImages).orderBy("path").collectAsList()).as("answers after save and load")
                .isEqualTo(before);
        DigitRecognizer fromUnfitted = (DigitRecognizer) Pipeline.load(temp.resolve("pipeline").toString())
                .getStages()[0];
        assertThat(fromUnfitted.getModelPath()).isEqualTo(model.toString());
        assertThat(fromUnfitted.getBatchSize()).isEqualTo(64);
    }

    @Test
    void eachJvmLoadsAModelOnceNotOncePerPartition() throws IOException {
        Path model = temp.resolve("once.mnist");
        classifier.save(model);
        Dataset<Row> partitioned = mnistImages.repartition(8);
        assertThat(partitioned.rdd().getNumPartitions()).isEqualTo(8);
        int before = ExecutorModels.loads();
        DigitRecognizer recognizer = new DigitRecognizer().setModelPath(model.toString()).setBatchSize(16);
        recognizer.transform(partitioned).write().format("noop").mode("overwrite").save();
        recognizer.transform(partitioned).write().format("noop").mode("overwrite").save();
        assertThat(ExecutorModels.loads() - before).as("models loaded for 2 jobs of 8 partitions in this JVM")
                .isEqualTo(1);
    }

    @Test
    void aModelFileIsCheckedOnTheDriverBeforeAnyTaskRuns() throws IOException {
        Path model = temp.resolve("checked.mnist");
        classifier.save(model);
        assertThatThrownBy(() -> new DigitRecognizer().setModelPath(model.toString()).setModelSha256("0".repeat(64))
                .transform(images)).as("another digest than the one pinned")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Sha256.hex(model));
        assertThatThrownBy(() -> new DigitRecognizer().setModelPath(model.toString()).setBackend("dl4j")
                .transform(images)).as("a model of another backend than the one named")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("saved by backend 'djl'");
        Path damaged = temp.resolve("damaged.mnist");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(damaged, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> new DigitRecognizer().setModelPath(damaged.toString()).transform(images))
                .as("a truncated model file").hasMessageContaining("truncated");
        assertThatThrownBy(() -> new DigitRecognizer().setModelPath(temp.resolve("none.mnist").toString())
                .transform(images)).as("no file").hasMessageContaining("Cannot read the model file");
    }

    @Test
    void theExampleJobWritesTheAnswersAsParquet() {
        String out = temp.resolve("answers.parquet").toString();
        String summary = RecognizeImages.run(spark, new DigitRecognizer(), false, generated.toString(), out);
        assertThat(summary).as("the job's summary").contains(MNIST_IMAGES + 4 + " images")
                .contains(MNIST_IMAGES + " answered, 4 failed (damaged 1, empty 1, not_an_image 1, unsupported_format 1)");
        Dataset<Row> written = spark.read().parquet(out);
        assertThat(written.columns()).as("columns written").containsExactly("path", "modificationTime", "length",
                "digit", "confidence", "probabilities", "error", "ood_score", "not_a_digit");
        assertThat(written.where("path like '%-label%' and error is null").count()).isEqualTo(MNIST_IMAGES);
    }

    @Test
    void theExampleJobReadsAParquetTableOfImagesToo() {
        String table = temp.resolve("images.parquet").toString();
        mnistImages.withColumnRenamed("content", "bytes").write().parquet(table);
        String out = temp.resolve("answers-from-table.parquet").toString();
        String summary = RecognizeImages.run(spark, new DigitRecognizer().setInputCol("bytes"), true, table, out);
        assertThat(summary).as("the job's summary").contains(MNIST_IMAGES + 4 + " images")
                .contains(MNIST_IMAGES + " answered, 4 failed");
        assertThat(spark.read().parquet(out).columns()).as("columns written").doesNotContain("bytes")
                .contains("path", "digit", "error");
    }

    private static Map<String, Integer> digits(Dataset<Row> rows) {
        Map<String, Integer> out = new HashMap<>();
        for (Row r : rows.collectAsList()) {
            String name = r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1);
            out.put(name, r.isNullAt(1) ? null : r.getInt(1));
        }
        return out;
    }

    private static int count(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return (int) files.filter(Files::isRegularFile).count();
        }
    }
}
