package io.mnist.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Which columns a recognizer reads and appends, and their types: one place for {@code transformSchema} on the driver
 * and for the rows the executors build.
 */
record OutputLayout(String inputCol, String mode, String digitCol, String confidenceCol, String probabilitiesCol,
                    String textCol, String errorCol, String oodScoreCol, String notADigitCol) implements Serializable {

    /** {@code struct<kind: string, message: string>}: why a row has no answer. */
    static final StructType ERROR_TYPE = new StructType(new StructField[] {
            DataTypes.createStructField("kind", DataTypes.StringType, false),
            DataTypes.createStructField("message", DataTypes.StringType, false)});

    /**
     * The answer columns in the order they are appended. The not-a-digit columns came later and stand after
     * {@code error}, so that the columns of jobs written before them keep their places.
     */
    enum Answer {
        DIGIT(DataTypes.IntegerType),
        TEXT(DataTypes.StringType),
        CONFIDENCE(DataTypes.DoubleType),
        PROBABILITIES(DataTypes.createArrayType(DataTypes.FloatType, false)),
        ERROR(ERROR_TYPE),
        OOD_SCORE(DataTypes.DoubleType),
        NOT_A_DIGIT(DataTypes.BooleanType);

        final DataType type;

        Answer(DataType type) {
            this.type = type;
        }
    }

    boolean numberMode() {
        return DigitRecognizer.NUMBER_MODE.equals(mode);
    }

    /** The answers appended, in order: those whose column name is not empty. */
    List<Answer> answers() {
        List<Answer> out = new ArrayList<>();
        for (Answer a : numberMode()
                ? List.of(Answer.TEXT, Answer.CONFIDENCE, Answer.ERROR, Answer.OOD_SCORE, Answer.NOT_A_DIGIT)
                : List.of(Answer.DIGIT, Answer.CONFIDENCE, Answer.PROBABILITIES, Answer.ERROR, Answer.OOD_SCORE,
                        Answer.NOT_A_DIGIT)) {
            if (!column(a).isEmpty()) {
                out.add(a);
            }
        }
        return out;
    }

    String column(Answer answer) {
        return switch (answer) {
            case DIGIT -> digitCol;
            case TEXT -> textCol;
            case CONFIDENCE -> confidenceCol;
            case PROBABILITIES -> probabilitiesCol;
            case ERROR -> errorCol;
            case OOD_SCORE -> oodScoreCol;
            case NOT_A_DIGIT -> notADigitCol;
        };
    }

    /**
     * The input schema with the answer columns appended.
     *
     * @throws IllegalArgumentException if the input column is missing or of a type that holds no image, or an answer
     *                                  column is already there or named twice
     */
    StructType outputSchema(StructType input) {
        if (!Arrays.asList(input.fieldNames()).contains(inputCol)) {
            throw new IllegalArgumentException("The input column '" + inputCol + "' is not in the data (columns: "
                    + String.join(", ", input.fieldNames()) + "). Set inputCol to the column of image bytes ('content'"
                    + " when read with format(\"binaryFile\")).");
        }
        InputKind.of(input.apply(inputCol).dataType());
        if (errorCol.isEmpty()) {
            throw new IllegalArgumentException("errorCol cannot be empty: a row without an answer must say why");
        }
        Set<String> taken = new HashSet<>(Arrays.asList(input.fieldNames()));
        StructType out = input;
        for (Answer a : answers()) {
            String name = column(a);
            if (!taken.add(name)) {
                throw new IllegalArgumentException("The output column '" + name + "' (" + a.name().toLowerCase()
                        + ") already exists or is named twice; choose another name with " + setter(a));
            }
            out = out.add(DataTypes.createStructField(name, a.type, true));
        }
        return out;
    }

    /** The name of the answer's column setter, e.g. {@code setNotADigitCol}. */
    private static String setter(Answer a) {
        StringBuilder name = new StringBuilder("set");
        for (String word : a.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase());
        }
        return name.append("Col").toString();
    }
}
