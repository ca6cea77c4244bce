package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.Prediction;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** {@code predict --format csv} keeps every file name in one cell, and no name turns into a spreadsheet formula. */
class PredictCsvTest {
    private static Prediction seven() {
        float[] p = new float[10];
        p[7] = 1f;
        return Prediction.fromProbabilities(p);
    }

    @Test
    void fileNamesWithCommasQuotesAndLineBreaksStayInTheirCell() throws IOException {
        List<String> names = List.of("a,b.png", "say \"7\".png", "two\r\nlines.png", "=HYPERLINK(\"x\").png",
                "+1.png", "-x.png", "@sum.png", "plain.png");
        List<PredictCommand.Row> rows = names.stream()
                .map(n -> new PredictCommand.Row(n, seven(), null, null)).toList();
        StringWriter text = new StringWriter();
        PredictCommand.print(rows, Format.csv, false, 0, new PrintWriter(text));
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(text.toString())).getRecords();
        assertThat(records).hasSize(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String expected = "=+-@".indexOf(name.charAt(0)) >= 0 ? "'" + name : name;
            assertThat(records.get(i).get("file")).as("row %d", i).isEqualTo(expected);
            assertThat(records.get(i).get("digit")).isEqualTo("7");
        }
    }

    @Test
    void singleDigitScoresLeaveNumbersOut() {
        float[] p = new float[10];
        p[1] = 1f;
        Prediction one = Prediction.fromProbabilities(p);
        List<PredictCommand.Row> rows = List.of(new PredictCommand.Row("a-label1.png", one, null, null),
                new PredictCommand.Row("b-label7.png", one, null, null),
                new PredictCommand.Row("c-number11.png", one, null, null));
        var score = PredictCommand.score(rows, false);
        assertThat(score).containsEntry("scored", 2).containsEntry("correct", 1).containsEntry("skipped_numbers", 1);
        assertThat(PredictCommand.scoreLine(score)).contains("1 of 2 right").contains("1 number not scored");
    }
}
