package io.mnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request limits, over loopback, with small limits so that the requests stay small. */
class LimitsTest {
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_PIXELS = 1_000_000;
    private static final int MAX_FILES = 3;
    private static MnistServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = MnistServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0)
                .withLimits(MAX_BODY, MAX_PIXELS, MAX_FILES), FakeClassifier::new);
        server.awaitModel();
        http = new Http(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aBodyCutShortIsTheClientsErrorNotTheServers() throws Exception {
        // A client that declares 5,000 bytes and stops after 100: Jetty's early end of input was a 500
        // internal_error with a stack trace in the log (a breaker's find); it is the request that is broken.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/digits HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 5000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[100]);
            out.flush();
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("\"error\":\"bad_request\"")
                    .contains("ended before");
        }
    }

    @Test
    void defaultsAreTenMebibytesFortyMegapixelsAndSixtyFourFilesOnLoopbackWithoutCors() {
        ServerConfig d = ServerConfig.defaults();

        assertThat(d.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(d.maxPixels()).isEqualTo(40_000_000L);
        assertThat(d.maxFiles()).isEqualTo(64);
        assertThat(d.host()).isEqualTo("127.0.0.1");
        assertThat(d.corsOrigin()).isNull();
        assertThat(d.imageLimits().maxBytes()).as("one image may fill the body").isEqualTo(d.maxBodyBytes());
        assertThat(d.imageLimits().maxPixels()).isEqualTo(d.maxPixels());
        assertThat(d.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(d.headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(d.minRequestDataRate()).isEqualTo(1024);
        assertThat(d.maxUploads()).isEqualTo(64);
        assertThat(d.bodyTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
    }

    @Test
    void rejectsBadSettingsWithTheirRange() {
        assertThatThrownBy(() -> ServerConfig.defaults().withAddress("127.0.0.1", 70_000))
                .hasMessageContaining("0..65535");
        assertThatThrownBy(() -> ServerConfig.defaults().withLimits(0, 1, 1)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ServerConfig.defaults().withWork(0, 1)).hasMessageContaining("workers 0");
        assertThatThrownBy(() -> ServerConfig.defaults().withSlowClientLimits(java.time.Duration.ZERO,
                java.time.Duration.ofSeconds(10), 1024)).hasMessageContaining("idle timeout must be at least 1 ms");
        assertThatThrownBy(() -> ServerConfig.defaults().withSlowClientLimits(java.time.Duration.ofSeconds(5),
                java.time.Duration.ZERO, 1024)).hasMessageContaining("header timeout must be at least 1 ms");
        assertThatThrownBy(() -> ServerConfig.defaults().withSlowClientLimits(java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(10), -1)).hasMessageContaining("at least 0 bytes/s");
        assertThatThrownBy(() -> ServerConfig.defaults().withUploadLimits(0, java.time.Duration.ofSeconds(60)))
                .hasMessageContaining("uploads read at once must be at least 1");
        assertThatThrownBy(() -> ServerConfig.defaults().withUploadLimits(64, java.time.Duration.ZERO))
                .hasMessageContaining("body timeout must be at least 1 ms");
    }

    @Test
    void refusesARawBodyOverTheByteLimitFromItsDeclaredLength() {
        Http.Answer a = http.post("/api/v1/digits", "image/png", random(MAX_BODY + 1));

        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error()).isEqualTo("too_many_bytes");
        assertThat(a.json().get("message").asText()).contains("65536 bytes").contains("--max-body");
    }

    @Test
    void refusesAChunkedBodyOverTheByteLimitWhileReadingIt() {
        byte[] body = random(MAX_BODY * 2);
        Http.Answer a = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/v1/digits")).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error()).isEqualTo("too_many_bytes");
    }

    @Test
    void refusesAMultipartBodyOverTheByteLimit() {
        // Refused by its declared length, before a byte of the body is read: the request is sent without its body, so
        // the answer cannot race the client's writing. (Sent whole through HttpClient, even with Expect:
        // 100-continue, the server's close after its answer sometimes cut the client's upload and the client saw
        // "header parser received no bytes" instead of the 413.)
        byte[] body = Http.multipart("b", List.of(
                Http.Part.file("big.png", random(MAX_BODY / 2)), Http.Part.file("big2.png", random(MAX_BODY / 2))));
        RawHttp.Answer a = RawHttp.exchange(server.port(), "POST /api/v1/digits HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n");

        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error()).isEqualTo("too_many_bytes");
    }

    @Test
    void refusesAChunkedMultipartBodyOverTheByteLimitWhileParsingIt() {
        byte[] body = Http.multipart("b", List.of(Http.Part.file("big.png", random(MAX_BODY * 2))));
        Http.Answer a = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/v1/digits")).header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertThat(a.status()).as(a.text()).isEqualTo(413);
        assertThat(a.error()).isEqualTo("too_many_bytes");
    }

    @Test
    void refusesAnImageDeclaringMorePixelsThanTheLimit() {
        byte[] png = Images.strokePng(1100, 1000);
        assertThat(png.length).as("small in bytes, large in pixels").isLessThan(MAX_BODY);

        Http.Answer a = http.post("/api/v1/digits", "image/png", png);

        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error()).isEqualTo("too_many_pixels");
        assertThat(a.json().get("message").asText()).contains("1100x1000");
    }

    @Test
    void takesAsManyFilesAsTheLimitAndRefusesOneMore() {
        List<Http.Part> parts = new ArrayList<>();
        for (int i = 0; i < MAX_FILES; i++) {
            parts.add(Http.Part.file(i + ".png", Images.strokePng(40, 40)));
        }
        Http.Answer atLimit = http.postMultipart("/api/v1/digits", parts);
        parts.add(Http.Part.file("one-more.png", Images.strokePng(40, 40)));
        Http.Answer overLimit = http.postMultipart("/api/v1/numbers", parts);

        assertThat(atLimit.status()).as(atLimit.text()).isEqualTo(200);
        assertThat(atLimit.json().get("results")).hasSize(MAX_FILES);
        assertThat(atLimit.json().get("results").get(0).get("digit").asInt()).isEqualTo(FakeClassifier.DIGIT);
        assertThat(overLimit.status()).isEqualTo(413);
        assertThat(overLimit.error()).isEqualTo("too_many_files");
        assertThat(overLimit.json().get("message").asText()).contains("limit of 3").contains("--max-files");
    }

    @Test
    void saysSoWhenAMultipartFormHoldsNoFile() {
        Http.Answer a = http.postMultipart("/api/v1/digits",
                List.of(new Http.Part("note", null, null, "just text".getBytes(StandardCharsets.UTF_8))));

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error()).isEqualTo("no_image");
    }

    @Test
    void saysSoWhenAMultipartBodyIsBroken() {
        Http.Answer a = http.post("/api/v1/digits", "multipart/form-data; boundary=xyz",
                "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nunfinished"
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(a.status()).as(a.text()).isEqualTo(400);
        assertThat(a.error()).isEqualTo("bad_request");
    }

    @Test
    void partHeadersOverTheirLimitAreNamedAsSuchNotAsTheBodyLimit() {
        String longName = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + "a".repeat(50_000)
                + ".png\"\r\n\r\nabc\r\n--b--\r\n";
        String manyHeaders = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                + "X-H: v\r\n".repeat(5_000) + "\r\nabc\r\n--b--\r\n";
        for (String body : List.of(longName, manyHeaders)) {
            assertThat(body.length()).as("far under the body limit").isLessThan(MAX_BODY);
            RawHttp.Answer a = RawHttp.exchange(server.port(), "POST /api/v1/digits HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);

            assertThat(a.status()).as(a.text()).isEqualTo(413);
            String message = a.json().get("message").asText();
            assertThat(message).as(message).contains("part").contains("headers").doesNotContain("MiB")
                    .doesNotContain("Exception");
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
