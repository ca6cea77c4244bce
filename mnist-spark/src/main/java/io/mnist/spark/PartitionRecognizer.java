package io.mnist.spark;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.InvalidImageException;
import io.mnist.api.NumberReading;
import io.mnist.api.Prediction;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each task runs over its partition: rows are taken a batch at a time, each row's image is decoded and
 * preprocessed on its own (a bad one gets an error answer), and the batch's images are classified in one
 * {@link DigitClassifier#predictAll} call. Rows stream through; only one batch is held at a time.
 */
final class PartitionRecognizer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionRecognizer.class);
    /** The error kind of a failure that is not the image's fault: a bug met on this one image. */
    static final String INTERNAL = "internal";

    private final ModelSource model;
    private final OutputLayout layout;
    private final int inputIndex;
    private final InputKind inputKind;
    private final int batchSize;
    private final LongAccumulator images;
    private final LongAccumulator failed;

    PartitionRecognizer(ModelSource model, OutputLayout layout, int inputIndex, InputKind inputKind, int batchSize,
                        LongAccumulator images, LongAccumulator failed) {
        this.model = model;
        this.layout = layout;
        this.inputIndex = inputIndex;
        this.inputKind = inputKind;
        this.batchSize = batchSize;
        this.images = images;
        this.failed = failed;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private final Map<String, Integer> failures = new TreeMap<>();
            private long seen;
            private boolean reported;
            private Iterator<Row> batch = List.<Row>of().iterator();
            private DigitClassifier classifier;

            @Override
            public boolean hasNext() {
                if (batch.hasNext()) {
                    return true;
                }
                if (!rows.hasNext()) {
                    if (!reported) {
                        reported = true;
                        report(seen, failures);
                    }
                    return false;
                }
                if (classifier == null) {
                    classifier = ExecutorModels.get(model);
                }
                List<Row> in = new ArrayList<>(batchSize);
                while (in.size() < batchSize && rows.hasNext()) {
                    in.add(rows.next());
                }
                batch = recognise(classifier, in, failures).iterator();
                seen += in.size();
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.next();
            }
        };
    }

    private List<Row> recognise(DigitClassifier classifier, List<Row> rows, Map<String, Integer> failures) {
        Object[][] answers = new Object[rows.size()][];
        List<DigitImage> digits = new ArrayList<>(rows.size());
        List<Integer> digitRows = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            try {
                BufferedImage image = inputKind.image(rows.get(i).get(inputIndex));
                if (layout.numberMode()) {
                    answers[i] = number(classifier.readNumber(image));
                } else {
                    digits.add(classifier.preprocessor().preprocess(image));
                    digitRows.add(i);
                }
            } catch (InvalidImageException e) {
                answers[i] = error(e.kind().code(), e.getMessage(), failures);
            } catch (RuntimeException e) {
                // One image that trips a bug must not fail a job of millions; the row says what happened.
                answers[i] = error(INTERNAL, "Recognising this image failed unexpectedly (" + e
                        + "); please report it with the image", failures);
            }
        }
        if (!digits.isEmpty()) {
            List<Prediction> predictions = classifier.predictAll(digits);
            for (int k = 0; k < digitRows.size(); k++) {
                answers[digitRows.get(k)] = digit(predictions.get(k));
            }
        }
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(append(rows.get(i), answers[i]));
        }
        return out;
    }

    /** Answers by {@link OutputLayout.Answer} ordinal. */
    private static Object[] digit(Prediction p) {
        Object[] a = new Object[OutputLayout.Answer.values().length];
        a[OutputLayout.Answer.DIGIT.ordinal()] = p.digit();
        a[OutputLayout.Answer.CONFIDENCE.ordinal()] = (double) p.confidence();
        a[OutputLayout.Answer.PROBABILITIES.ordinal()] = p.probabilities();
        notADigit(a, p.outOfDistributionScore(), p.notADigit());
        return a;
    }

    private static Object[] number(NumberReading reading) {
        Object[] a = new Object[OutputLayout.Answer.values().length];
        a[OutputLayout.Answer.TEXT.ordinal()] = reading.text();
        a[OutputLayout.Answer.CONFIDENCE.ordinal()] = reading.confidence();
        notADigit(a, reading.outOfDistributionScore(), reading.containsNonDigit());
        return a;
    }

    /** The score and the verdict; both stay null when the model has no not-a-digit statistics (a NaN score). */
    private static void notADigit(Object[] a, double score, boolean notADigit) {
        if (!Double.isNaN(score)) {
            a[OutputLayout.Answer.OOD_SCORE.ordinal()] = score;
            a[OutputLayout.Answer.NOT_A_DIGIT.ordinal()] = notADigit;
        }
    }

    private static Object[] error(String kind, String message, Map<String, Integer> failures) {
        failures.merge(kind, 1, Integer::sum);
        Object[] a = new Object[OutputLayout.Answer.values().length];
        a[OutputLayout.Answer.ERROR.ordinal()] = RowFactory.create(kind, message == null ? kind : message);
        return a;
    }

    private Row append(Row row, Object[] answers) {
        List<OutputLayout.Answer> columns = layout.answers();
        Object[] values = new Object[row.length() + columns.size()];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        for (int k = 0; k < columns.size(); k++) {
            values[row.length() + k] = answers[columns.get(k).ordinal()];
        }
        return RowFactory.create(values);
    }

    private void report(long seen, Map<String, Integer> failures) {
        int failedRows = failures.values().stream().mapToInt(Integer::intValue).sum();
        images.add(seen);
        failed.add(failedRows);
        TaskContext task = TaskContext.get();
        String where = task == null ? "" : " of partition " + task.partitionId();
        if (failedRows > 0) {
            LOG.warn("mnist-spark: {} of {} images{} failed ({}); their rows have null answers and the reason in"
                    + " column '{}'", failedRows, seen, where, failures, layout.errorCol());
        } else {
            LOG.debug("mnist-spark: {} images{} recognised", seen, where);
        }
    }
}
