package io.mnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests that fail in Jetty, before any of the server's handlers run (a broken request line, a negative length,
 * a URI or headers over Jetty's buffer), get the API's JSON error like every other failure, not Jetty's HTML page;
 * and HEAD is answered as GET without the body.
 */
class ProtocolErrorTest {
    private static MnistServer server;

    @BeforeAll
    static void start() throws Exception {
        server = MnistServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0), FakeClassifier::new);
        server.awaitModel();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawHttp.Answer send(String request) {
        return RawHttp.exchange(server.port(), request);
    }

    private static void assertJsonError(RawHttp.Answer a, int status, String code) {
        assertThat(a.status()).as(a.text()).isEqualTo(status);
        assertThat(a.header("Content-Type")).as(a.text()).startsWith("application/json");
        assertThat(a.error()).isEqualTo(code);
        assertThat(a.json().get("status").asInt()).isEqualTo(status);
        assertThat(a.json().get("message").asText()).isNotBlank();
    }

    @Test
    void aNegativeContentLengthIsABadRequestInJson() {
        RawHttp.Answer a = send("POST /api/v1/digits HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                + "Content-Length: -5\r\n\r\n");

        assertJsonError(a, 400, "bad_request");
        assertThat(a.json().get("message").asText()).containsIgnoringCase("Content-Length");
    }

    @Test
    void aUriOverJettysBufferIsUriTooLongInJson() {
        RawHttp.Answer a = send("GET /api/v1/model?x=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertJsonError(a, 414, "uri_too_long");
        assertThat(a.json().get("message").asText()).contains("8192");
    }

    @Test
    void headersOverJettysBufferAreHeaderTooLargeInJson() {
        RawHttp.Answer a = send("GET /api/v1/model HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000)
                + "\r\n\r\n");

        assertJsonError(a, 431, "headers_too_large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GARBAGE\r\n\r\n", "GET /api/v1/model HTTP/1.1 extra\r\nHost: localhost\r\n\r\n",
            "GET /api/v1/model HTTP/1.1\r\nHost: localhost\r\nBroken header line\r\n\r\n",
            "POST /api/v1/digits HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: 9\r\n\r\n",
            "POST /api/v1/digits HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n"})
    void aMalformedRequestIsABadRequestInJson(String request) {
        assertJsonError(send(request), 400, "bad_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /api/v1/model HTTP/2.0\r\nHost: localhost\r\n\r\n",
            "GET /api/v1/model HTTP/1.1\r\nHost: localhost\r\nExpect: 200-ok\r\n\r\n",
            "POST /api/v1/digits HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: bogus\r\n\r\n",
            "GET /api/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n", "GET /api/v1/model HTTP/1.1\r\n\r\n"})
    void otherRequestsJettyRefusesAreBadRequestsInJsonToo(String request) {
        // Jetty chose 426, 417, 400...: each is the request's fault, and the API says so with one code.
        assertJsonError(send(request), 400, "bad_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/model", "/health/live", "/health/ready", "/api/v1/openapi.json", "/metrics", "/",
            "/app.js"})
    void headIsAnsweredAsGetWithoutTheBody(String path) {
        RawHttp.Answer get = send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        RawHttp.Answer head = send("HEAD " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(get.status()).isEqualTo(200);
        assertThat(head.status()).isEqualTo(get.status());
        assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
        assertThat(head.body()).as("no body").isEmpty();
    }

    @Test
    void headOfAnErrorIsTheSameErrorWithoutTheBody() {
        RawHttp.Answer get = send("GET /api/v1/nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        RawHttp.Answer head = send("HEAD /api/v1/nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(get.status()).isEqualTo(404);
        assertThat(head.status()).isEqualTo(404);
        assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type")).startsWith("application/json");
        assertThat(head.body()).isEmpty();
    }

    /** A message a person can act on: no Java class name, no bare status in parentheses, no echo of huge input. */
    private static String plainMessage(RawHttp.Answer a) {
        String message = a.json().get("message").asText();
        assertThat(message).as(message).doesNotContain("Exception").doesNotContain("java.").doesNotContain("jakarta.")
                .doesNotContain("(400:").doesNotContain("(Bad Request)");
        assertThat(message.length()).as(message).isLessThan(600);
        return message;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ZZ", "FFFFFFFFFFFFFFFFFFFFFFFF", "5;x="})
    void aMalformedChunkedBodyIsSaidToBeMalformedChunking(String size) {
        String chunkSize = size.endsWith("=") ? size + "y".repeat(9000) : size;
        RawHttp.Answer a = send("POST /api/v1/digits HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunkSize + "\r\nhello\r\n0\r\n\r\n");

        assertJsonError(a, 400, "bad_request");
        assertThat(plainMessage(a)).contains("chunked").doesNotContain("ended before its declared length");
    }

    @Test
    void aTwentyDigitContentLengthIsSaidToBeTooLargeANumber() {
        RawHttp.Answer a = send("POST /api/v1/digits HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                + "Content-Length: 99999999999999999999\r\n\r\n");

        assertJsonError(a, 400, "bad_request");
        assertThat(plainMessage(a)).contains("Content-Length over 19 digits");
    }

    @Test
    void aHugeMethodIsNotEchoedInFull() {
        RawHttp.Answer a = send("M".repeat(5000) + " /api/v1/model HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(a.status()).as(a.text()).isIn(400, 405);
        assertThat(plainMessage(a)).doesNotContain("M".repeat(65));
    }

    private static RawHttp.Answer multipart(String body) {
        return send("POST /api/v1/digits HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body);
    }

    @Test
    void aPartWithoutContentDispositionIsSaidToNeedOne() {
        RawHttp.Answer a = multipart("--XyZ\r\nContent-Type: image/png\r\n\r\nabc\r\n--XyZ--\r\n");

        assertJsonError(a, 400, "bad_request");
        assertThat(plainMessage(a)).contains("Content-Disposition").contains("name").doesNotContain("null");
    }

    @Test
    void aGarbledMultipartBodyIsSaidToBeMalformed() {
        RawHttp.Answer a = multipart("--XyZ\r\n\u0001\u0002: garbage\r\n}{ no colon here\r\n\r\nabc\r\n--XyZ--\r\n");

        assertJsonError(a, 400, "bad_request");
        assertThat(plainMessage(a)).contains("multipart");
    }
}
