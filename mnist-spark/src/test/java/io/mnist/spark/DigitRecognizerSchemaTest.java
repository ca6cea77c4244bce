package io.mnist.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** {@code transformSchema}: the columns are checked, and the answers' columns named, before any work is done. */
class DigitRecognizerSchemaTest {
    static final StructType BINARY_FILES = new StructType().add("path", DataTypes.StringType)
            .add("modificationTime", DataTypes.TimestampType).add("length", DataTypes.LongType)
            .add("content", DataTypes.BinaryType);

    @Test
    void digitModeAppendsDigitConfidenceProbabilitiesErrorThenTheNotADigitScoreAndFlag() {
        StructType out = new DigitRecognizer().transformSchema(BINARY_FILES);
        assertThat(out.fieldNames()).containsExactly("path", "modificationTime", "length", "content", "digit",
                "confidence", "probabilities", "error", "ood_score", "not_a_digit");
        assertThat(out.apply("ood_score").dataType()).isEqualTo(DataTypes.DoubleType);
        assertThat(out.apply("not_a_digit").dataType()).isEqualTo(DataTypes.BooleanType);
        assertThat(out.apply("digit").dataType()).isEqualTo(DataTypes.IntegerType);
        assertThat(out.apply("confidence").dataType()).isEqualTo(DataTypes.DoubleType);
        assertThat(out.apply("probabilities").dataType())
                .isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
        assertThat(out.apply("error").dataType().simpleString()).isEqualTo("struct<kind:string,message:string>");
    }

    @Test
    void numberModeAppendsTextConfidenceErrorThenTheNotADigitScoreAndFlag() {
        StructType out = new DigitRecognizer().setMode("number").transformSchema(BINARY_FILES);
        assertThat(out.fieldNames()).endsWith("content", "text", "confidence", "error", "ood_score", "not_a_digit");
        assertThat(out.apply("text").dataType()).isEqualTo(DataTypes.StringType);
    }

    @Test
    void anAnswerColumnNamedEmptyIsLeftOut() {
        StructType out = new DigitRecognizer().setProbabilitiesCol("").setConfidenceCol("").setOodScoreCol("")
                .setNotADigitCol("").transformSchema(BINARY_FILES);
        assertThat(out.fieldNames()).endsWith("content", "digit", "error");
    }

    @Test
    void sparksImageStructIsAnInputToo() {
        StructType images = new StructType().add("image", ImageSchema.columnSchema());
        assertThat(new DigitRecognizer().setInputCol("image").transformSchema(images).fieldNames())
                .containsExactly("image", "digit", "confidence", "probabilities", "error", "ood_score", "not_a_digit");
    }

    @Test
    void aMissingInputColumnIsNamedWithTheColumnsThereAre() {
        assertThatThrownBy(() -> new DigitRecognizer().setInputCol("bytes").transformSchema(BINARY_FILES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bytes' is not in the data (columns: path, modificationTime, length, content)");
    }

    @Test
    void anInputColumnThatHoldsNoImageIsRefused() {
        assertThatThrownBy(() -> new DigitRecognizer().setInputCol("path").transformSchema(BINARY_FILES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds string");
    }

    @Test
    void anAnswerColumnThatExistsIsRefused() {
        assertThatThrownBy(() -> new DigitRecognizer().setDigitCol("length").transformSchema(BINARY_FILES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'length' (digit) already exists").hasMessageContaining("setDigitCol");
        assertThatThrownBy(() -> new DigitRecognizer().setNotADigitCol("path").transformSchema(BINARY_FILES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'path' (not_a_digit) already exists").hasMessageContaining("setNotADigitCol");
    }

    @Test
    void paramsAreValidatedWhenSet() {
        assertThatThrownBy(() -> new DigitRecognizer().setMode("letters")).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new DigitRecognizer().setBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DigitRecognizer().setModelSha256("abc")).isInstanceOf(
                IllegalArgumentException.class);
    }
}
