package io.mnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** SIGTERM to a serving JVM: it stops taking connections, answers the request in flight, then exits. */
class ShutdownSignalTest {

    @Test
    void finishesTheRequestInFlightOnSigterm() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                SignalledServer.class.getName())
                .redirectError(new File("target/signalled-server.log")).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            int port = Integer.parseInt(lineStartingWith(out, "listening ").substring("listening ".length()));
            Http http = new Http(port);
            CompletableFuture<Http.Answer> inFlight = CompletableFuture.supplyAsync(
                    () -> http.post("/api/v1/digits", "image/png", Images.strokePng(40, 40)));
            lineStartingWith(out, "predicting");

            // SIGTERM; Process.destroy() would also close the pipes, and so the child's standard input.
            process.toHandle().destroy();
            while (accepts(port)) {
                Thread.onSpinWait();
            }
            assertThat(process.isAlive()).as("the JVM waits for the request in flight").isTrue();
            assertThat(inFlight.isDone()).as(() -> "answered before its prediction ended: " + inFlight.join().text())
                    .isFalse();
            try (OutputStream in = process.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }

            Http.Answer answered = inFlight.get();
            assertThat(answered.status()).as(answered.text()).isEqualTo(200);
            assertThat(answered.json().get("digit").asInt()).isEqualTo(FakeClassifier.DIGIT);
            assertThat(process.waitFor()).as("ended by SIGTERM").isEqualTo(143);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String lineStartingWith(BufferedReader out, String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("The server process ended before printing '" + prefix + "'");
    }

    private static boolean accepts(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }
}
