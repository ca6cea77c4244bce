package io.mnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.ImagePreprocessor;
import io.mnist.api.Prediction;
import io.mnist.api.image.DigitPictures;
import io.mnist.api.image.ImageDecoder;
import io.mnist.api.ood.NonDigitImages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The API over loopback with the djl backend's bundled model: each endpoint, each error code of a request. */
class ApiTest {
    private static MnistServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = MnistServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0),
                () -> DigitClassifiers.pretrained("djl"));
        server.awaitModel();
        http = new Http(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersTheDigitOfARawPngWithItsConfidenceAndTenProbabilities() {
        Http.Answer a = http.post("/api/v1/digits", "image/png", Http.resource("three.png"));

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.header("Content-Type")).startsWith("application/json");
        JsonNode j = a.json();
        assertThat(j.get("digit").asInt()).isEqualTo(3);
        JsonNode p = j.get("probabilities");
        assertThat(p).hasSize(10);
        double sum = 0;
        double max = 0;
        for (JsonNode v : p) {
            sum += v.asDouble();
            max = Math.max(max, v.asDouble());
        }
        assertThat(sum).as("probabilities sum to 1").isCloseTo(1, within(1e-3));
        assertThat(j.get("confidence").asDouble()).as("confidence is the top probability").isEqualTo(max)
                .isGreaterThan(0.5);
        assertThat(j.has("input")).as("the 28x28 only when asked").isFalse();
    }

    @Test
    void takesAJpegSentAsOctetStreamOrAsCurlsDefaultFormType() {
        assertThat(http.post("/api/v1/digits", "application/octet-stream", Http.resource("three.jpg")).json()
                .get("digit").asInt()).isEqualTo(3);
        // curl --data-binary @file sends application/x-www-form-urlencoded unless told otherwise.
        assertThat(http.post("/api/v1/digits", "application/x-www-form-urlencoded", Http.resource("four.png"))
                .json().get("digit").asInt()).isEqualTo(4);
    }

    @Test
    void answersThe28x28TheModelSawWhenAsked() {
        byte[] png = Http.resource("four.png");
        JsonNode input = http.post("/api/v1/digits?input=true", "image/png", png).json().get("input");

        DigitImage seen = ImagePreprocessor.standard().preprocess(ImageDecoder.decode(png));
        assertThat(input).hasSize(DigitImage.PIXELS);
        for (int i = 0; i < DigitImage.PIXELS; i++) {
            assertThat(input.get(i).asInt()).as("pixel %d", i)
                    .isEqualTo(Math.round(seen.pixel(i % 28, i / 28) * 255));
        }
    }

    @Test
    void answersEachFileOfAMultipartRequestInOrderWithABadFileAmongGoodOnes() {
        Http.Answer a = http.postMultipart("/api/v1/digits", List.of(
                Http.Part.file("three.png", Http.resource("three.png")),
                Http.Part.file("notes.txt", "not an image".getBytes(StandardCharsets.UTF_8)),
                new Http.Part("photos", "four.png", "image/png", Http.resource("four.png")),
                Http.Part.file("blank.png", Images.blankPng(64, 64)),
                Http.Part.file("half.png", Images.truncated(Http.resource("three.png")))));

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        JsonNode results = a.json().get("results");
        assertThat(results).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(results.get(i).get("index").asInt()).isEqualTo(i);
        }
        assertThat(results.get(0).get("file").asText()).isEqualTo("three.png");
        assertThat(results.get(0).get("digit").asInt()).isEqualTo(3);
        assertThat(results.get(0).get("probabilities")).hasSize(10);
        assertThat(results.get(1).get("error").asText()).isEqualTo("not_an_image");
        assertThat(results.get(1).get("message").asText()).contains("PNG");
        assertThat(results.get(1).has("digit")).isFalse();
        assertThat(results.get(2).get("digit").asInt()).isEqualTo(4);
        assertThat(results.get(3).get("error").asText()).isEqualTo("empty");
        assertThat(results.get(4).get("error").asText()).isEqualTo("damaged");
        assertThat(a.json().get("failed").asInt()).isEqualTo(3);
    }

    @Test
    void readsANumberWithEachDigitAndItsBox() {
        Http.Answer a = http.post("/api/v1/numbers", "image/jpeg", Http.resource("number939617.jpg"));

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        JsonNode j = a.json();
        assertThat(j.get("text").asText()).isEqualTo("939617");
        assertThat(j.get("confidence").asDouble()).isBetween(0.0, 1.0);
        JsonNode digits = j.get("digits");
        assertThat(digits).hasSize(6);
        int lastX = -1;
        for (JsonNode d : digits) {
            assertThat(d.get("probabilities")).hasSize(10);
            JsonNode box = d.get("box");
            assertThat(box.get("width").asInt()).isPositive();
            assertThat(box.get("height").asInt()).isPositive();
            assertThat(box.get("x").asInt()).as("left to right").isGreaterThan(lastX);
            lastX = box.get("x").asInt();
        }
    }

    @Test
    void readsTheNumberOfEachFileOfAMultipartRequest() {
        Http.Answer a = http.postMultipart("/api/v1/numbers", List.of(
                Http.Part.file("number.jpg", Http.resource("number939617.jpg")),
                Http.Part.file("blank.png", Images.blankPng(40, 20))));

        JsonNode results = a.json().get("results");
        assertThat(results.get(0).get("text").asText()).isEqualTo("939617");
        assertThat(results.get(1).get("error").asText()).isEqualTo("empty");
        assertThat(a.json().get("failed").asInt()).isEqualTo(1);
    }

    @Test
    void givesEachDigitItsNotADigitScoreAndMarksDrawnScribbles() throws Exception {
        DigitClassifier model = server.awaitModel();
        List<byte[]> images = new ArrayList<>(List.of(Http.resource("three.png"), Http.resource("four.png")));
        NonDigitImages.generate(NonDigitImages.Kind.SCRIBBLE, 10, 19).forEach(s -> images.add(DigitPictures.png(s.image())));
        List<Http.Part> parts = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            parts.add(Http.Part.file(i + ".png", images.get(i)));
        }

        JsonNode results = http.postMultipart("/api/v1/digits", parts).json().get("results");

        int marked = 0;
        for (int i = 0; i < images.size(); i++) {
            JsonNode r = results.get(i);
            Prediction p = model.predict(model.preprocessor().preprocess(ImageDecoder.decode(images.get(i))));
            assertThat(r.get("ood_score").asDouble()).as("image %d: the library's score", i)
                    .isCloseTo(p.outOfDistributionScore(), within(1e-4));
            assertThat(r.get("not_a_digit").asBoolean()).as("image %d: above 1", i)
                    .isEqualTo(r.get("ood_score").asDouble() > 1);
            marked += i >= 2 && r.get("not_a_digit").asBoolean() ? 1 : 0;
        }
        for (int i = 0; i < 2; i++) {
            assertThat(results.get(i).get("ood_score").asDouble()).as("a real digit looks like one").isLessThan(1);
        }
        // 69.5% of 200 scribbles are marked with the bundled model (RELIABILITY.md section 10).
        assertThat(marked).as("scribbles marked as not digits, of 10").isGreaterThanOrEqualTo(5);
    }

    @Test
    void marksADrawnScribbleSentAloneAndNotADigitSentAlone() {
        byte[] scribble = NonDigitImages.generate(NonDigitImages.Kind.SCRIBBLE, 10, 19).stream()
                .map(s -> DigitPictures.png(s.image()))
                .filter(png -> http.post("/api/v1/digits", "image/png", png).json().get("ood_score").asDouble() > 1)
                .findFirst().orElseThrow();

        JsonNode notDigit = http.post("/api/v1/digits", "image/png", scribble).json();
        JsonNode digit = http.post("/api/v1/digits", "image/png", Http.resource("three.png")).json();

        assertThat(notDigit.get("not_a_digit").asBoolean()).isTrue();
        assertThat(notDigit.get("digit").isInt()).as("still answered with a digit").isTrue();
        assertThat(digit.get("not_a_digit").asBoolean()).isFalse();
        assertThat(digit.get("ood_score").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void givesANumberTheLargestScoreOfItsDigits() {
        JsonNode j = http.post("/api/v1/numbers", "image/jpeg", Http.resource("number939617.jpg")).json();

        double largest = 0;
        boolean any = false;
        for (JsonNode d : j.get("digits")) {
            assertThat(d.get("not_a_digit").asBoolean()).isEqualTo(d.get("ood_score").asDouble() > 1);
            largest = Math.max(largest, d.get("ood_score").asDouble());
            any |= d.get("not_a_digit").asBoolean();
        }
        assertThat(j.get("ood_score").asDouble()).isEqualTo(largest);
        assertThat(j.get("not_a_digit").asBoolean()).isEqualTo(any);
        JsonNode file = http.postMultipart("/api/v1/numbers", List.of(Http.Part.file("n.jpg",
                Http.resource("number939617.jpg")))).json().get("results").get(0);
        assertThat(file.get("ood_score").asDouble()).isEqualTo(largest);
        assertThat(file.get("not_a_digit").asBoolean()).isEqualTo(any);
    }

    @Test
    void leavesTheScoreOutWhenTheModelHasNoNotADigitStatistics() throws Exception {
        try (MnistServer plain = MnistServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0),
                FakeClassifier::new)) {
            plain.awaitModel();
            Http client = new Http(plain);

            JsonNode digit = client.post("/api/v1/digits", "image/png", Images.strokePng(40, 40)).json();
            JsonNode file = client.postMultipart("/api/v1/digits", List.of(Http.Part.file("a.png",
                    Images.strokePng(40, 40)))).json().get("results").get(0);

            assertThat(digit.has("digit")).isTrue();
            for (JsonNode answer : List.of(digit, file)) {
                assertThat(answer.has("ood_score")).as("no score: " + answer).isFalse();
                assertThat(answer.has("not_a_digit")).as("no verdict: " + answer).isFalse();
            }
            assertThat(client.get("/api/v1/model").json().get("not_a_digit_detector").asBoolean()).isFalse();
        }
        assertThat(http.get("/api/v1/model").json().get("not_a_digit_detector").asBoolean())
                .as("the bundled model has the statistics").isTrue();
    }

    @Test
    void documentsTheNotADigitFieldsOfEveryAnswer() throws Exception {
        JsonNode schemas = new ObjectMapper().readTree(http.get("/api/v1/openapi.json").response().body())
                .at("/components/schemas");

        for (String answer : List.of("Digit", "FileDigit", "Number", "NumberDigit", "FileNumber")) {
            assertThat(schemas.at("/" + answer + "/properties/ood_score/type").asText()).as(answer).isEqualTo("number");
            assertThat(schemas.at("/" + answer + "/properties/not_a_digit/type").asText()).as(answer)
                    .isEqualTo("boolean");
        }
        assertThat(schemas.at("/Model/properties/not_a_digit_detector/type").asText()).isEqualTo("boolean");
    }

    @Test
    void describesTheModelAsItsModelInfoSays() {
        JsonNode m = http.get("/api/v1/model").json();

        assertThat(m.get("backend").asText()).isEqualTo("djl");
        assertThat(m.get("engine").asText()).contains("DJL");
        assertThat(m.get("parameters").asLong()).isEqualTo(329_962);
        assertThat(m.get("test_accuracy").asDouble()).isGreaterThan(0.99);
        assertThat(m.get("network").get("name").asText()).isEqualTo("compact");
        assertThat(m.get("network").get("layers").get(0).get("type").asText()).isEqualTo("conv2d");
        assertThat(m.get("training").get("optimizer").asText()).isEqualTo("adam");
        assertThat(m.get("history")).isNotEmpty();
        JsonNode provenance = m.get("provenance");
        assertThat(provenance.get("training_data").get("source").asText()).as("the MNIST training images")
                .isNotEmpty();
        assertThat(provenance.get("training_data").get("to").asInt() - provenance.get("training_data").get("from")
                .asInt()).as("images trained on").isPositive();
        assertThat(provenance.has("imported_from")).as("trained with this library, not imported").isFalse();
    }

    @Test
    void saysItIsAliveAndReady() {
        Http.Answer live = http.get("/health/live");
        Http.Answer ready = http.get("/health/ready");

        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().get("status").asText()).isEqualTo("up");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");
        assertThat(ready.json().get("backend").asText()).isEqualTo("djl");
    }

    @Test
    void countsRequestsLatencyErrorsAndImagesInPrometheusFormat() {
        http.post("/api/v1/digits", "image/png", Http.resource("three.png"));
        http.post("/api/v1/digits", "image/png", "no".getBytes(StandardCharsets.UTF_8));
        http.get("/no/such/page");

        Http.Answer a = http.get("/metrics");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Type")).startsWith("text/plain");
        assertThat(a.text())
                .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/digits\",status=\"200\"}")
                .contains("http_server_requests_seconds_bucket{method=\"POST\",route=\"/api/v1/digits\",status=\"200\",le=")
                .contains("route=\"unmatched\",status=\"404\"")
                .contains("mnist_errors_total{error=\"not_an_image\"}")
                .contains("mnist_errors_total{error=\"not_found\"}")
                .contains("mnist_images_predicted_total{endpoint=\"digits\"}")
                .contains("mnist_model_ready 1.0")
                .contains("jvm_memory_used_bytes");
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("not_an_image", 415, "POST", "/api/v1/digits", "hello".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("unsupported_format", 415, "POST", "/api/v1/digits",
                        "%PDF-1.7\n1 0 obj\n<< >>\nendobj\n".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("damaged", 422, "POST", "/api/v1/digits", Images.truncated(Http.resource("three.png"))),
                Arguments.of("empty", 422, "POST", "/api/v1/digits", Images.blankPng(100, 100)),
                Arguments.of("empty", 422, "POST", "/api/v1/numbers", Images.blankPng(100, 100)),
                Arguments.of("no_image", 400, "POST", "/api/v1/digits", new byte[0]),
                Arguments.of("bad_request", 400, "POST", "/api/v1/digits?input=maybe", Http.resource("three.png")),
                Arguments.of("not_found", 404, "GET", "/api/v2/digits", null),
                Arguments.of("method_not_allowed", 405, "GET", "/api/v1/digits", null));
    }

    @ParameterizedTest(name = "{0} from {2} {3}")
    @MethodSource("badRequests")
    void answersEachProblemWithItsStableCodeStatusAndAdvice(String code, int status, String method, String path,
            byte[] body) {
        Http.Answer a = method.equals("GET") ? http.get(path) : http.post(path, "image/png", body);

        assertThat(a.status()).as(a.text()).isEqualTo(status);
        assertThat(a.header("Content-Type")).startsWith("application/json");
        assertThat(a.error()).isEqualTo(code);
        assertThat(a.json().get("status").asInt()).isEqualTo(status);
        assertThat(a.json().get("message").asText()).as("a message that says what to do").hasSizeGreaterThan(20);
    }

    @Test
    void servesThePageFromTheJarAllowingNothingFromAnotherHost() {
        Http.Answer page = http.get("/");
        Http.Answer script = http.get("/app.js");
        Http.Answer style = http.get("/app.css");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'").contains("script-src 'self'");
        assertThat(page.text()).contains("<canvas id=\"pad\"").contains("src=\"app.js\"")
                .contains("capture=\"environment\"");
        assertThat(script.header("Content-Type")).startsWith("text/javascript");
        assertThat(style.header("Content-Type")).startsWith("text/css");
        for (Http.Answer a : List.of(page, script, style)) {
            assertThat(a.text()).as("nothing is loaded from another host").doesNotContain("http://")
                    .doesNotContain("https://").doesNotContain("src=\"//").doesNotContain("href=\"//");
        }
    }

    @Test
    void describesEveryRouteAndErrorCodeInItsOpenApiDocument() throws Exception {
        Http.Answer a = http.get("/api/v1/openapi.json");
        JsonNode doc = new ObjectMapper().readTree(a.response().body());

        assertThat(a.status()).isEqualTo(200);
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        Set<String> documented = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
        Set<String> served = new TreeSet<>();
        MnistServer.routes().forEach(r -> served.add(r.method() + " " + r.path()));
        assertThat(documented).as("openapi.json describes exactly the routes served").isEqualTo(served);

        List<String> codes = new ArrayList<>();
        doc.at("/components/schemas/ErrorCode/enum").forEach(c -> codes.add(c.asText()));
        assertThat(codes).as("every error code is documented")
                .containsExactlyInAnyOrder(Stream.of(ErrorCode.values()).map(ErrorCode::code).toArray(String[]::new));
    }

    @Test
    void everyRouteAnswers() {
        for (MnistServer.Route r : MnistServer.routes()) {
            Http.Answer a = r.method().equals("GET") ? http.get(r.path())
                    : http.post(r.path(), "image/png", Http.resource("three.png"));
            assertThat(a.status()).as(r + ": " + a.text()).isEqualTo(200);
        }
    }
}
