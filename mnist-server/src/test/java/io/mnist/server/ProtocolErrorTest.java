package io.mnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP itself, written on raw sockets: HEAD is answered as GET without the body. */
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
}
