package io.mnist.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A server process for {@link ShutdownSignalTest}: it prints {@code listening PORT}, then {@code predicting} when a
 * request is inside predict, where the request waits until a line arrives on standard input.
 */
public final class SignalledServer {
    private SignalledServer() {
    }

    public static void main(String[] args) throws Exception {
        FakeClassifier model = new FakeClassifier().holdPredictions(1);
        MnistServer server = MnistServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0), () -> model)
                .closeOnShutdown();
        server.awaitModel();
        Thread watcher = new Thread(() -> {
            try {
                model.started.await();
                System.out.println("predicting");
                // A line, or the end of the input (the test ended): either way the request may finish.
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                model.release();
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        System.out.println("listening " + server.port());
        server.join();
    }
}
