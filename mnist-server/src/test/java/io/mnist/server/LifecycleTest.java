package io.mnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.DigitClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Loading, busy, failing, CORS and stopping, with a classifier the test holds inside predict. */
class LifecycleTest {
    private final FakeClassifier model = new FakeClassifier();
    private MnistServer server;
    private Http http;

    private void start(ServerConfig config, java.util.concurrent.Callable<DigitClassifier> loader) {
        server = MnistServer.start(config.withAddress("127.0.0.1", 0), loader);
        http = new Http(server);
    }

    private void start(ServerConfig config) throws Exception {
        start(config, () -> model);
        server.awaitModel();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            model.release();
            server.close();
        }
    }

    @Test
    void answersBusyWithRetryAfterWhenEveryWorkerAndQueuePlaceIsTaken() throws Exception {
        start(ServerConfig.defaults().withWork(1, 1));
        model.holdPredictions(1);
        CompletableFuture<Http.Answer> working = post();
        model.started.await();
        CompletableFuture<Http.Answer> queued = post();
        awaitInFlight(2);

        Http.Answer refused = http.post("/api/v1/digits", "image/png", Images.strokePng(40, 40));

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.error()).isEqualTo("server_busy");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().get("message").asText()).contains("Try again");
        model.release();
        assertThat(working.get().status()).isEqualTo(200);
        assertThat(queued.get().status()).as("the queued request is answered once a worker is free").isEqualTo(200);
        assertThat(http.get("/metrics").text()).contains("mnist_errors_total{error=\"server_busy\"} 1.0");
    }

    @Test
    void sharesTheCoresAmongTheWorkersSoEachPredictionComputesOnItsShare() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        start(ServerConfig.defaults());
        assertThat(model.threadsPerCall).as("one worker per core: one engine thread each").isEqualTo(1);
        server.close();

        start(ServerConfig.defaults().withWork(1, 4));
        assertThat(model.threadsPerCall).as("one worker: all %d cores", cores).isEqualTo(cores);
        server.close();

        start(ServerConfig.defaults().withWork(4 * cores, 4));
        assertThat(model.threadsPerCall).as("more workers than cores: still one thread each").isEqualTo(1);
    }

    @Test
    void isAliveButNotReadyWhileTheModelLoads() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        start(ServerConfig.defaults(), () -> {
            loading.await();
            return model;
        });

        Http.Answer live = http.get("/health/live");
        Http.Answer ready = http.get("/health/ready");
        Http.Answer digits = http.post("/api/v1/digits", "image/png", Images.strokePng(40, 40));
        Http.Answer info = http.get("/api/v1/model");

        assertThat(live.status()).isEqualTo(200);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("status").asText()).isEqualTo("loading");
        assertThat(ready.header("Retry-After")).isNotNull();
        assertThat(digits.status()).isEqualTo(503);
        assertThat(digits.error()).isEqualTo("model_not_loaded");
        assertThat(digits.header("Retry-After")).isEqualTo("2");
        assertThat(info.error()).isEqualTo("model_not_loaded");

        loading.countDown();
        server.awaitModel();
        assertThat(http.get("/health/ready").status()).isEqualTo(200);
        assertThat(http.post("/api/v1/digits", "image/png", Images.strokePng(40, 40)).status()).isEqualTo(200);
    }

    @Test
    void saysWhyWhenTheModelFailedToLoad() {
        start(ServerConfig.defaults(), () -> {
            throw new IOException("model.mnist is not a model file");
        });

        assertThatThrownBy(server::awaitModel).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("model.mnist is not a model file");
        Http.Answer ready = http.get("/health/ready");
        Http.Answer digits = http.post("/api/v1/digits", "image/png", Images.strokePng(40, 40));
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("status").asText()).isEqualTo("failed");
        assertThat(digits.error()).isEqualTo("model_not_loaded");
        assertThat(digits.json().get("message").asText()).contains("model.mnist is not a model file");
        assertThat(digits.header("Retry-After")).as("trying again will not help").isNull();
    }

    @Test
    void answersAFaultOfTheServerAsAnInternalErrorWithoutItsDetails() throws Exception {
        start(ServerConfig.defaults());
        model.failure = new IllegalStateException("secret detail of the engine");

        Http.Answer a = http.post("/api/v1/digits", "image/png", Images.strokePng(40, 40));

        assertThat(a.status()).isEqualTo(500);
        assertThat(a.error()).isEqualTo("internal_error");
        assertThat(a.text()).doesNotContain("secret detail");
    }

    @Test
    void sendsNoCorsHeadersUnlessAnOriginIsAllowed() throws Exception {
        start(ServerConfig.defaults());
        Http.Answer a = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/model")).header("Origin", "https://digits.example.org").GET());

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void allowsTheOneOriginGivenWithCors() throws Exception {
        start(ServerConfig.defaults().withCorsOrigin("https://digits.example.org"));
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/model");

        Http.Answer allowed = http.send(HttpRequest.newBuilder(uri).header("Origin", "https://digits.example.org").GET());
        Http.Answer other = http.send(HttpRequest.newBuilder(uri).header("Origin", "https://other.example.org").GET());

        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://digits.example.org");
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertThat(ServerConfig.defaults().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void finishesTheRequestsInFlightWhenClosedAndTakesNoNewConnections() throws Exception {
        start(ServerConfig.defaults());
        model.holdPredictions(1);
        CompletableFuture<Http.Answer> inFlight = post();
        model.started.await();

        int port = server.port();
        Thread closing = new Thread(server::close);
        closing.start();
        while (accepts(port)) {
            Thread.onSpinWait();
        }

        assertThat(closing.isAlive()).as("close waits for the request in flight").isTrue();
        assertThat(inFlight.isDone()).isFalse();
        model.release();
        Http.Answer answered = inFlight.get();
        closing.join();
        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.json().get("digit").asInt()).isEqualTo(FakeClassifier.DIGIT);
        assertThat(model.closed).as("the model is freed once the server has stopped").isTrue();
        assertThatThrownBy(() -> http.get("/health/live")).hasCauseInstanceOf(ConnectException.class);
    }

    private CompletableFuture<Http.Answer> post() {
        return CompletableFuture.supplyAsync(() -> http.post("/api/v1/digits", "image/png",
                Images.strokePng(40, 40)));
    }

    private void awaitInFlight(int n) {
        while (!http.get("/metrics").text().contains("mnist_requests_in_flight " + n + ".0")) {
            Thread.onSpinWait();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
