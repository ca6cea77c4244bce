package io.mnist.spark;

import io.mnist.api.data.Sha256;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * A Spark ML {@link Transformer} that recognises the handwritten digit (or, in number mode, the number) in each
 * row's image, with a model of this library. It appends the answer columns and an error column to its input.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("scans/");     // path, modificationTime, length, content
 * Dataset<Row> answers = new DigitRecognizer()                                 // the bundled model of the backend present
 *         .setModelPath("hdfs:///models/model.mnist")                           // or a model of your own
 *         .transform(images);            // + digit, confidence, probabilities, error, ood_score, not_a_digit
 * answers.select("path", "digit", "confidence", "error").write().parquet("answers/");
 * }</pre>
 *
 * <p><b>Input.</b> The input column ({@code content} by default, as Spark's {@code binaryFile} source names it) holds
 * either encoded image bytes (PNG, JPEG...: decoded by the library's {@link io.mnist.api.image.ImageDecoder}, with
 * its size limits and EXIF orientation) or an image struct as Spark's {@code image} source gives it (pixels already
 * decoded by Spark). Encoded bytes are the better input: the decoder tells damaged files from unsupported ones.
 *
 * <p><b>Output.</b> In {@code digit} mode: {@code digit} (int), {@code confidence} (double) and {@code probabilities}
 * (array of ten floats); in {@code number} mode: {@code text} (the digits read left to right) and {@code confidence}
 * (the product of the digits' confidences). Set an answer column's name to the empty string to leave it out. A row
 * whose image cannot be recognised never fails the job: its answers are null and {@code error} holds
 * {@code struct<kind: string, message: string>}, where {@code kind} is an
 * {@link io.mnist.api.InvalidImageException.Kind#code()} ({@code not_an_image}, {@code damaged}, {@code empty}...) or
 * {@code internal} for an unexpected failure on that one image (a bug: please report it). Rows that succeed have a
 * null {@code error}. Each partition that had failures logs one line with their count by kind.
 *
 * <p>After {@code error}, in both modes, the not-a-digit signal under the names of {@code mnist predict}'s JSON:
 * {@code ood_score} (double: {@link io.mnist.api.Prediction#outOfDistributionScore()}, how unlike the MNIST digits the
 * image is, 0 typical, 1 the threshold, higher less digit-like; in number mode the largest of the digits') and
 * {@code not_a_digit} (boolean: the score is above 1, the image is probably a letter, a stain or a scribble; in
 * number mode, any digit is). Both are null when the model file has no not-a-digit statistics (add them with
 * {@code mnist calibrate}) and on error rows. The full digit-mode schema after the input's columns is
 * {@code digit int, confidence double, probabilities array<float>, error struct<kind string, message string>,
 * ood_score double, not_a_digit boolean}; in number mode {@code text string, confidence double, error ...,
 * ood_score double, not_a_digit boolean}. Every answer column is nullable.
 *
 * <p><b>Model.</b> Without {@link #setModelPath model path}, the bundled model of the {@link #setBackend backend}
 * (or of the one {@link io.mnist.api.DigitClassifiers} chooses) is used; it is checked against the digest recorded
 * in the backend's jar. With a model path (any path Hadoop reads: local, {@code hdfs:}, {@code s3a:}...), the driver
 * reads the file once per {@code transform}, checks it (a model file, of the named backend if one is set, of
 * {@link #setModelSha256 the expected SHA-256} if one is set) and broadcasts its bytes; each executor checks them
 * against the SHA-256 the driver computed before it loads them. Either way, each executor JVM loads a model once and
 * keeps it for the JVM's life, and every task predicts its partition in batches of {@link #setBatchSize batch size}
 * through {@link io.mnist.api.DigitClassifier#predictAll}.
 *
 * <p>It is saved and loaded with its params ({@link DefaultParamsWritable}, {@link #read()}), alone or inside a
 * {@link org.apache.spark.ml.Pipeline}. A saved model path is stored as a path, not as the model: the file must
 * still be there when the saved transformer runs (pin its SHA-256 to be sure it is the same file).
 */
public class DigitRecognizer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final DefaultParamsReadable<DigitRecognizer> READABLE = new DefaultParamsReadable<>() {
    };

    /** {@code digit} mode: one digit per image. */
    public static final String DIGIT_MODE = "digit";
    /** {@code number} mode: several digits in one row, read left to right. */
    public static final String NUMBER_MODE = "number";

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> mode;
    private final Param<String> digitCol;
    private final Param<String> confidenceCol;
    private final Param<String> probabilitiesCol;
    private final Param<String> textCol;
    private final Param<String> errorCol;
    private final Param<String> oodScoreCol;
    private final Param<String> notADigitCol;
    private final Param<String> modelPath;
    private final Param<String> modelSha256;
    private final Param<String> backend;
    private final IntParam batchSize;

    /** A recognizer with the defaults: bundled model, digit mode, input column {@code content}. */
    public DigitRecognizer() {
        this(Identifiable$.MODULE$.randomUID("digitRecognizer"));
    }

    /** A recognizer with the given uid; Spark uses this to load and copy it. */
    public DigitRecognizer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the image column: encoded image bytes (binary) or Spark's image"
                + " struct");
        mode = new Param<>(this, "mode", "what each image holds: 'digit' (one digit) or 'number' (digits in a row)",
                ParamValidators.inArray(new String[] {DIGIT_MODE, NUMBER_MODE}));
        digitCol = new Param<>(this, "digitCol", "output column of the digit (digit mode); empty to leave out");
        confidenceCol = new Param<>(this, "confidenceCol", "output column of the answer's probability; empty to"
                + " leave out");
        probabilitiesCol = new Param<>(this, "probabilitiesCol", "output column of the ten probabilities (digit"
                + " mode); empty to leave out");
        textCol = new Param<>(this, "textCol", "output column of the number read (number mode); empty to leave out");
        errorCol = new Param<>(this, "errorCol", "output column of why an image could not be recognised (null when"
                + " it was)");
        oodScoreCol = new Param<>(this, "oodScoreCol", "output column of the not-a-digit score (1 the threshold;"
                + " null without the model's statistics); empty to leave out");
        notADigitCol = new Param<>(this, "notADigitCol", "output column of whether the image is probably not a"
                + " digit (null without the model's statistics); empty to leave out");
        modelPath = new Param<>(this, "modelPath", "the model file, any path Hadoop reads; unset for the backend's"
                + " bundled model");
        modelSha256 = new Param<>(this, "modelSha256", "the SHA-256 the model file must have (64 hex digits);"
                + " unset to accept any valid model file",
                (scala.Function1<String, Object>) s -> s.matches("[0-9a-fA-F]{64}"));
        backend = new Param<>(this, "backend", "the backend's name (djl, dl4j); unset to let the library choose,"
                + " or to use the one a model file names");
        batchSize = new IntParam(this, "batchSize", "images per predictAll call", ParamValidators.gtEq(1));
        setDefault(inputCol, "content");
        setDefault(mode, DIGIT_MODE);
        setDefault(digitCol, "digit");
        setDefault(confidenceCol, "confidence");
        setDefault(probabilitiesCol, "probabilities");
        setDefault(textCol, "text");
        setDefault(errorCol, "error");
        setDefault(oodScoreCol, "ood_score");
        setDefault(notADigitCol, "not_a_digit");
        setDefault(batchSize, 256);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The image column: encoded image bytes (binary), or Spark's image struct. Default {@code content}. */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** {@value #DIGIT_MODE} (default) or {@value #NUMBER_MODE}. */
    public Param<String> mode() {
        return mode;
    }

    /** The digit's output column (digit mode). Default {@code digit}. */
    public Param<String> digitCol() {
        return digitCol;
    }

    /** The confidence's output column. Default {@code confidence}. */
    public Param<String> confidenceCol() {
        return confidenceCol;
    }

    /** The ten probabilities' output column (digit mode). Default {@code probabilities}. */
    public Param<String> probabilitiesCol() {
        return probabilitiesCol;
    }

    /** The number's output column (number mode). Default {@code text}. */
    public Param<String> textCol() {
        return textCol;
    }

    /** The error column: null for recognised rows, {@code struct<kind, message>} otherwise. Default {@code error}. */
    public Param<String> errorCol() {
        return errorCol;
    }

    /**
     * The not-a-digit score's output column: how unlike the MNIST digits the image is, 1 the threshold (in number
     * mode the largest of the digits'); null when the model has no not-a-digit statistics. Default
     * {@code ood_score}.
     */
    public Param<String> oodScoreCol() {
        return oodScoreCol;
    }

    /**
     * The output column of whether the image is probably not a digit (the score above 1; in number mode, any of its
     * digits); null when the model has no not-a-digit statistics. Default {@code not_a_digit}.
     */
    public Param<String> notADigitCol() {
        return notADigitCol;
    }

    /** The model file; unset for the backend's bundled model. */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** The SHA-256 the model file must have; unset to accept any valid model file. */
    public Param<String> modelSha256() {
        return modelSha256;
    }

    /** The backend's name; unset to let the library choose (or the model file name it). */
    public Param<String> backend() {
        return backend;
    }

    /** Images per {@code predictAll} call. Default 256. */
    public IntParam batchSize() {
        return batchSize;
    }

    public DigitRecognizer setInputCol(String value) {
        return (DigitRecognizer) set(inputCol, value);
    }

    public DigitRecognizer setMode(String value) {
        return (DigitRecognizer) set(mode, value);
    }

    public DigitRecognizer setDigitCol(String value) {
        return (DigitRecognizer) set(digitCol, value);
    }

    public DigitRecognizer setConfidenceCol(String value) {
        return (DigitRecognizer) set(confidenceCol, value);
    }

    public DigitRecognizer setProbabilitiesCol(String value) {
        return (DigitRecognizer) set(probabilitiesCol, value);
    }

    public DigitRecognizer setTextCol(String value) {
        return (DigitRecognizer) set(textCol, value);
    }

    public DigitRecognizer setErrorCol(String value) {
        return (DigitRecognizer) set(errorCol, value);
    }

    public DigitRecognizer setOodScoreCol(String value) {
        return (DigitRecognizer) set(oodScoreCol, value);
    }

    public DigitRecognizer setNotADigitCol(String value) {
        return (DigitRecognizer) set(notADigitCol, value);
    }

    public DigitRecognizer setModelPath(String value) {
        return (DigitRecognizer) set(modelPath, value);
    }

    public DigitRecognizer setModelSha256(String value) {
        return (DigitRecognizer) set(modelSha256, value);
    }

    public DigitRecognizer setBackend(String value) {
        return (DigitRecognizer) set(backend, value);
    }

    public DigitRecognizer setBatchSize(int value) {
        return (DigitRecognizer) set(batchSize, value);
    }

    public String getInputCol() {
        return $(inputCol);
    }

    public String getMode() {
        return $(mode);
    }

    public String getModelPath() {
        return isDefined(modelPath) ? $(modelPath) : null;
    }

    public String getBackend() {
        return isDefined(backend) ? $(backend) : null;
    }

    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    /**
     * The input schema with the answer and error columns appended; checks the columns before any work is done.
     *
     * @throws IllegalArgumentException if the input column is missing or of another type, or an output column
     *                                  already exists or is named twice
     */
    @Override
    public StructType transformSchema(StructType schema) {
        return layout().outputSchema(schema);
    }

    /**
     * Appends the answers. Lazy, as transformations are; only the model file (if one is set) is read and checked
     * here, on the driver, so that a wrong model fails the job before any task runs.
     *
     * @throws IllegalArgumentException if the columns are wrong (see {@link #transformSchema}), the model file is
     *                                  not of the named backend or not of the expected SHA-256
     * @throws UncheckedIOException     if the model file cannot be read, or is not a valid model file
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Dataset<Row> input = dataset.toDF();
        OutputLayout layout = layout();
        StructType output = layout.outputSchema(input.schema());
        SparkSession spark = input.sparkSession();
        ModelSource model = modelSource(spark);
        LongAccumulator images = spark.sparkContext().longAccumulator("mnist images (" + uid + ")");
        LongAccumulator failed = spark.sparkContext().longAccumulator("mnist failed images (" + uid + ")");
        PartitionRecognizer recognizer = new PartitionRecognizer(model, layout, input.schema().fieldIndex(
                getInputCol()), InputKind.of(input.schema().apply(getInputCol()).dataType()), getBatchSize(),
                images, failed);
        return input.mapPartitions(recognizer, Encoders.row(output));
    }

    @Override
    public DigitRecognizer copy(ParamMap extra) {
        return (DigitRecognizer) defaultCopy(extra);
    }

    /** Reads a recognizer saved with {@link #write()}; Spark also finds this when it loads a pipeline. */
    public static MLReader<DigitRecognizer> read() {
        return READABLE.read();
    }

    /** Loads a recognizer saved at {@code path}. */
    public static DigitRecognizer load(String path) {
        return READABLE.load(path);
    }

    private OutputLayout layout() {
        return new OutputLayout(getInputCol(), $(mode), $(digitCol), $(confidenceCol), $(probabilitiesCol),
                $(textCol), $(errorCol), $(oodScoreCol), $(notADigitCol));
    }

    private ModelSource modelSource(SparkSession spark) {
        String path = getModelPath();
        if (path == null) {
            return ModelSource.bundled(getBackend());
        }
        byte[] bytes = readModel(path, spark.sparkContext().hadoopConfiguration());
        String sha256 = Sha256.hex(bytes);
        if (isDefined(modelSha256) && !sha256.equalsIgnoreCase($(modelSha256))) {
            throw new IllegalArgumentException("The model file " + path + " has SHA-256 " + sha256 + ", not the "
                    + $(modelSha256) + " set in modelSha256: it is another or a changed file. Use the file the"
                    + " digest was taken of, or set the digest of this one.");
        }
        ModelArchive archive;
        try {
            archive = ModelFile.read(new ByteArrayInputStream(bytes), path);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        String recorded = archive.manifest().model().backend();
        String named = getBackend();
        if (named != null && !named.equals(recorded)) {
            throw new IllegalArgumentException("The model file " + path + " was saved by backend '" + recorded
                    + "', but backend is set to '" + named + "'. A model file names its own backend: unset backend,"
                    + " or convert the model with 'mnist convert --backend " + named + "'.");
        }
        Broadcast<byte[]> shipped = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes);
        return ModelSource.file(path, sha256, recorded, shipped);
    }

    private static byte[] readModel(String path, Configuration hadoop) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path);
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            try (InputStream in = fs.open(file)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model file " + path + " on the driver (" + e.getMessage()
                    + "). Give a path the driver can read: a local file, or one on shared storage (hdfs:, s3a:...).",
                    e);
        }
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("mode=" + getMode());
        parts.add("input=" + getInputCol());
        parts.add("model=" + (getModelPath() == null ? "bundled" : getModelPath()));
        if (getBackend() != null) {
            parts.add("backend=" + getBackend());
        }
        return String.format(Locale.ROOT, "DigitRecognizer[%s, %s]", uid, String.join(", ", parts));
    }
}
