package io.mnist.cli;

import static io.mnist.cli.MnistCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mnist.cli.MnistCliTest.Run;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a file whose name is not valid UTF-8 ({@code touch $'\xff.png'}) gets an answer, named with its bytes
 * escaped, in a folder listing and as an argument; CSV and JSON output stay valid.
 */
class FileNamesCliTest {
    private static final Path SAMPLE = Path.of("../samples/0000-test09000-label7.png").toAbsolutePath();

    @TempDir
    Path dir;

    /** Copies the sample to {@code $'\xff-label7.png'} and {@code café.png} with the shell (Java cannot name them). */
    @BeforeEach
    void badNames() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "cp \"$0\" $'\\xff-label7.png' && cp \"$0\" $'caf\\xc3\\xa9.png'"
                + " && cp \"$0\" ok.png", SAMPLE.toString()).directory(dir.toFile()).inheritIO().start();
        assumeTrue(p.waitFor() == 0, "bash makes the files");
    }

    @Test
    void aFolderHoldingANameThatIsNotUtf8GetsAnAnswerForEveryFile() throws IOException {
        Run text = run("predict", dir.toString());
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out().lines().toList()).hasSize(3).allMatch(l -> l.contains("  7  ("))
                .anyMatch(l -> l.startsWith(dir.resolve("ok.png").toString()))
                .anyMatch(l -> l.startsWith(dir + "/\\xFF-label7.png"));

        Run csv = run("predict", "--format", "csv", dir.toString());
        assertThat(csv.code()).as(csv.err()).isZero();
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv.out())).getRecords();
        assertThat(records).extracting(r -> r.get("file")).containsExactly(dir + "/\\xFF-label7.png",
                dir + "/caf\u00e9.png", dir + "/ok.png");
        assertThat(records).extracting(r -> r.get("digit")).containsOnly("7");

        Run json = run("predict", "--format", "json", "--score", dir.toString());
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode predictions = json.json().get("predictions");
        assertThat(predictions).hasSize(3);
        assertThat(predictions.get(0).get("file").asText()).isEqualTo(dir + "/\\xFF-label7.png");
        assertThat(json.json().get("score").get("scored").asInt()).as("the answer in the name is read").isEqualTo(1);
    }

    @Test
    void aNameThatIsNotUtf8GivenAsAnArgumentIsFound() {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "Java reads arguments as UTF-8");
        // As Java receives $'\xff-label7.png' from the command line under a UTF-8 locale.
        Run r = run("predict", "--format", "csv", dir.resolve("\uFFFD-label7.png").toString(),
                dir.resolve("caf\u00e9.png").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(dir + "/\\xFF-label7.png,7,").contains(dir + "/caf\u00e9.png,7,");
    }

    @Test
    void twoNamesThatReadTheSameAreAnErrorRowThatSaysSo() throws IOException, InterruptedException {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "Java reads arguments as UTF-8");
        Process p = new ProcessBuilder("bash", "-c", "cp ok.png $'\\xfe-label7.png'").directory(dir.toFile()).start();
        assumeTrue(p.waitFor() == 0);
        Run r = run("predict", dir.resolve("\uFFFD-label7.png").toString(), dir.resolve("ok.png").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(MnistCli.EXIT_PARTIAL);
        assertThat(r.out()).contains("error: the name is not valid UTF-8, and 2 files in " + dir + " read the same")
                .contains("(\\xFE-label7.png, \\xFF-label7.png)");
        assertThat(r.out()).containsPattern(java.util.regex.Pattern.quote(dir.resolve("ok.png").toString())
                + " +7  \\(");
    }
}
