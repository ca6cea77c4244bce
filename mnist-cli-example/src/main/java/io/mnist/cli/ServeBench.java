package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mnist bench --serve}: the HTTP service under load, over 127.0.0.1 only. It measures the backend's
 * single-image predictions per second in this JVM first (the same PNG bytes through {@code predict(byte[])}: decode,
 * preprocess, predict; on one thread and on one per core, the better counted), then starts {@code mnist serve} in a
 * JVM of its own (with the service heap, {@value BenchCommand#SERVICE_HEAP}) and sends it single-image
 * {@code POST /api/v1/digits} requests from 1, 8 and 32 clients, each on its own keep-alive connection: requests/s,
 * p50 and p99 latency, errors. Then it sends {@code soak} requests from 8 clients while sampling the server's
 * resident memory, and stops the server with SIGTERM. Every loop is bounded in count and in time.
 */
final class ServeBench {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final int[] CLIENTS = {1, 8, 32};
    /** The server should deliver this share of the in-process rate at 8 clients. */
    private static final double TARGET = 0.8;
    private static final long MB = 1024 * 1024;

    private final String backend;
    private final boolean quick;
    private final int soak;
    private final PrintWriter out;
    private final boolean text;
    private List<byte[]> images;

    ServeBench(String backend, boolean quick, int soak, PrintWriter out, boolean text) {
        this.backend = backend;
        this.quick = quick;
        this.soak = soak;
        this.out = out;
        this.text = text;
    }

    int run() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend);
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("quick", quick);
        m.put("jvm_options", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("load_average_at_start", loadAverage());
        images = images();
        m.put("image", "112x112 grey PNG of an MNIST test digit, " + images.get(0).length + " bytes or so");

        progress("in-process: predict(byte[]) on the same PNGs, one thread, then %d threads",
                Runtime.getRuntime().availableProcessors());
        double inProcess = inProcess(images, m, "");

        progress("starting 'mnist serve --backend %s' with %s on 127.0.0.1", backend, BenchCommand.SERVICE_HEAP);
        Process server = startServer();
        try {
            int port = awaitReady(server);
            progress("warm-up: %,d requests from 8 clients", quick ? 1_000 : 4_000);
            load(images, port, 8, quick ? 1_000 : 4_000, 60);
            List<Map<String, Object>> levels = new ArrayList<>();
            for (int clients : CLIENTS) {
                int requests = quick ? 1_000 : clients == 1 ? 3_000 : 8_000;
                progress("%d client(s): %,d requests", clients, requests);
                Load l = load(images, port, clients, requests, 60);
                Map<String, Object> level = new LinkedHashMap<>();
                level.put("clients", clients);
                level.put("requests", l.requests());
                level.put("requests_per_second", BenchCommand.round(l.rate()));
                level.put("latency_ms_p50", BenchCommand.round(l.percentile(0.50)));
                level.put("latency_ms_p99", BenchCommand.round(l.percentile(0.99)));
                level.put("errors", l.errors());
                levels.add(level);
                if (clients == 8) {
                    m.put("share_of_in_process_at_8_clients", BenchCommand.round(l.rate() / inProcess));
                    m.put("target_met", l.rate() >= TARGET * inProcess && l.errors() == 0);
                }
            }
            m.put("levels", levels);

            progress("memory: %,d requests from 8 clients, resident memory sampled every %,d", soak, soak / 10);
            List<Long> rss = new ArrayList<>();
            rss.add(residentMb(server.pid()));
            long soakErrors = 0;
            long soakRequests = 0;
            long start = System.nanoTime();
            for (int part = 0; part < 10; part++) {
                Load l = load(images, port, 8, soak / 10, 120);
                soakErrors += l.errors();
                soakRequests += l.requests();
                rss.add(residentMb(server.pid()));
            }
            // The first tenth lets the heap reach its working size; flat means no growth after it.
            List<Long> settled = rss.subList(1, rss.size());
            long growth = settled.get(settled.size() - 1) - settled.get(0);
            m.put("soak_requests", soakRequests);
            m.put("soak_errors", soakErrors);
            m.put("soak_requests_per_second", BenchCommand.round(soakRequests / ((System.nanoTime() - start) / 1e9)));
            m.put("rss_mb_samples", rss);
            m.put("rss_mb_growth_after_first_tenth", growth);
            m.put("rss_mb_spread_after_first_tenth", settled.stream().mapToLong(Long::longValue).max().orElse(0)
                    - settled.stream().mapToLong(Long::longValue).min().orElse(0));
            m.put("rss_flat_within_50_mb", Math.abs(growth) <= 50);
        } finally {
            server.toHandle().destroy();     // SIGTERM: the server finishes what is in flight and exits
            boolean ended = server.waitFor(60, TimeUnit.SECONDS);
            m.put("server_exit", ended ? server.exitValue() : "still running after 60 s; killed");
            if (!ended) {
                server.destroyForcibly();
            }
        }
        // Measured again, so that a machine busier during the first measurement does not flatter the server: the
        // better of the two is the rate the server is compared with.
        progress("in-process again, after the server has stopped");
        double again = inProcess(images, m, "_after");
        if (again > inProcess && m.containsKey("levels")) {
            double at8 = levelRate(m, 8);
            m.put("share_of_in_process_at_8_clients", BenchCommand.round(at8 / again));
            m.put("target_met", at8 >= TARGET * again && levelErrors(m, 8) == 0);
        }
        m.put("in_process_per_second", BenchCommand.round(Math.max(inProcess, again)));
        m.put("load_average_at_end", loadAverage());
        print(m);
        return 0;
    }

    /** 100 different digits, as a scanner or a canvas gives them, encoded as PNG once. */
    private static List<byte[]> images() throws IOException {
        MnistDataset test = MnistData.test();
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(BenchCommand.scan(test.image(i)), "png", png);
            images.add(png.toByteArray());
        }
        return images;
    }

    /** The better of one thread's and one-thread-per-core's predictions per second, in this JVM. */
    private double inProcess(List<byte[]> images, Map<String, Object> m, String suffix) throws Exception {
        int warmUp = quick ? 300 : 1_000;
        int timed = quick ? 1_000 : 4_000;
        int threads = Runtime.getRuntime().availableProcessors();
        try (DigitClassifier model = DigitClassifiers.pretrained(backend)) {
            for (int i = 0; i < warmUp; i++) {
                model.predict(images.get(i % images.size()));
            }
            long start = System.nanoTime();
            for (int i = 0; i < timed; i++) {
                model.predict(images.get(i % images.size()));
            }
            double single = timed / ((System.nanoTime() - start) / 1e9);
            AtomicInteger next = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < timed) {
                        model.predict(images.get(i % images.size()));
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }
            double parallel = timed / ((System.nanoTime() - start) / 1e9);
            m.put("in_process_per_second_1_thread" + suffix, BenchCommand.round(single));
            m.put("in_process_per_second_" + threads + "_threads" + suffix, BenchCommand.round(parallel));
            return Math.max(single, parallel);
        }
    }

    /**
     * {@code mnist serve} in a JVM of its own, with the service heap and then this JVM's own options (so that
     * {@code JAVA_OPTS} applies to the server and to the in-process figures alike); the environment is inherited.
     */
    private Process startServer() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), BenchCommand.SERVICE_HEAP,
                "-Dai.djl.offline=true"));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MnistCli.class.getName(),
                "serve", "--backend", backend, "--host", "127.0.0.1", "--port", "0"));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Reads the server's output up to its ready line; returns its port. */
    private static int awaitReady(Process server) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
        Integer port = null;
        String line;
        while ((line = lines.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
            if (line.startsWith("mnist serve: ready") && port != null) {
                Thread drain = new Thread(() -> {
                    try {
                        lines.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // the server has ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return port;
            }
        }
        throw new IllegalStateException("The server ended before it was ready; run 'mnist serve --backend ...'"
                + " to see why");
    }

    /** What one load run measured. */
    record Load(int requests, long errors, double seconds, double[] latenciesMs) {
        double rate() {
            return requests / seconds;
        }

        double percentile(double p) {
            return latenciesMs.length == 0 ? Double.NaN
                    : latenciesMs[(int) Math.ceil(p * (latenciesMs.length - 1))];
        }
    }

    /**
     * Sends {@code requests} single-image requests from {@code clients} threads, each on its own keep-alive
     * connection to 127.0.0.1, stopping early after {@code maxSeconds}.
     */
    private static Load load(List<byte[]> images, int port, int clients, int requests, int maxSeconds)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        double[][] latencies = new double[clients][];
        int[] counts = new int[clients];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            latencies[c] = new double[requests];
            Thread t = new Thread(() -> {
                try (Connection connection = new Connection(port)) {
                    int i;
                    while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        int status = connection.post("/api/v1/digits", "image/png", images.get(i % images.size()));
                        latencies[client][counts[client]++] = (System.nanoTime() - t0) / 1e6;
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
            }, "bench-client-" + c);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int done = Arrays.stream(counts).sum();
        double[] all = new double[done];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        Arrays.sort(all);
        return new Load(done, errors.get(), seconds, all);
    }

    /** A plain HTTP/1.1 keep-alive connection: the load generator should cost the shared CPU as little as it can. */
    private static final class Connection implements AutoCloseable {
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(int port) throws IOException {
            this.port = port;
            open();
        }

        private void open() throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }

        int post(String path, String contentType, byte[] body) throws IOException {
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: "
                    + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            out.write(request);
            out.flush();
            String status = line();
            if (status == null) {
                throw new IOException("The server closed the connection");
            }
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String header;
            while ((header = line()) != null && !header.isEmpty()) {
                String h = header.toLowerCase(Locale.ROOT);
                if (h.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).strip());
                } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                    chunked = true;
                } else if (h.startsWith("connection:") && h.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                long size;
                while ((size = Long.parseLong(line().strip(), 16)) > 0) {
                    in.skipNBytes(size);
                    line();
                }
                line();
            } else if (length > 0) {
                in.skipNBytes(length);
            }
            if (close) {
                close();
                open();
            }
            return Integer.parseInt(status.split(" ")[1]);
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    return s.toString().stripTrailing();
                }
                s.append((char) b);
            }
            return s.isEmpty() ? null : s.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static double levelRate(Map<String, Object> m, int clients) {
        return ((List<Map<String, Object>>) m.get("levels")).stream().filter(l -> (int) l.get("clients") == clients)
                .mapToDouble(l -> (double) l.get("requests_per_second")).findFirst().orElse(0);
    }

    @SuppressWarnings("unchecked")
    private static long levelErrors(Map<String, Object> m, int clients) {
        return ((List<Map<String, Object>>) m.get("levels")).stream().filter(l -> (int) l.get("clients") == clients)
                .mapToLong(l -> (long) l.get("errors")).findFirst().orElse(0);
    }

    /** The machine's 1-minute load average: other work on the cores shows here. */
    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    /** {@code VmRSS} of a process, in MB. */
    private static long residentMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 / MB;
            }
        }
        return -1;
    }

    private void progress(String format, Object... args) {
        if (text) {
            out.printf(Locale.ROOT, "bench --serve: " + format + "%n", args);
            out.flush();
        }
    }

    @SuppressWarnings("unchecked")
    private void print(Map<String, Object> m) {
        if (!text) {
            Json.print(out, m);
            return;
        }
        out.printf(Locale.ROOT, "%nmnist serve on %s, %d cores, server and clients on this machine (127.0.0.1);"
                + " JVM options %s%n", m.get("backend"), m.get("cores"), m.get("jvm_options"));
        out.printf(Locale.ROOT, "  in-process predict(byte[])  %,.0f/s on 1 thread, %,.0f/s on %d threads; after the"
                        + " server: %,.0f/s and %,.0f/s%n", m.get("in_process_per_second_1_thread"),
                m.get("in_process_per_second_" + m.get("cores") + "_threads"), m.get("cores"),
                m.get("in_process_per_second_1_thread_after"),
                m.get("in_process_per_second_" + m.get("cores") + "_threads_after"));
        if (m.containsKey("levels")) {
            out.printf(Locale.ROOT, "  %-8s %10s %10s %10s %8s%n", "clients", "requests/s", "p50 ms", "p99 ms",
                    "errors");
            for (Map<String, Object> l : (List<Map<String, Object>>) m.get("levels")) {
                out.printf(Locale.ROOT, "  %-8d %,10.0f %10.2f %10.2f %8d%n", l.get("clients"),
                        l.get("requests_per_second"), l.get("latency_ms_p50"), l.get("latency_ms_p99"),
                        l.get("errors"));
            }
            out.printf(Locale.ROOT, "  at 8 clients: %.0f%% of the in-process rate (target %.0f%%, no errors): %s%n",
                    100 * (double) m.get("share_of_in_process_at_8_clients"), 100 * TARGET,
                    Boolean.TRUE.equals(m.get("target_met")) ? "met" : "NOT met");
        }
        if (m.containsKey("rss_mb_samples")) {
            out.printf(Locale.ROOT, "  resident memory over %,d requests (%,.0f/s, %d errors): %s MB;"
                            + " %+d MB after the first tenth (flat within 50 MB: %s)%n", m.get("soak_requests"),
                    m.get("soak_requests_per_second"), m.get("soak_errors"), m.get("rss_mb_samples"),
                    m.get("rss_mb_growth_after_first_tenth"),
                    Boolean.TRUE.equals(m.get("rss_flat_within_50_mb")) ? "yes" : "NO");
        }
        out.printf(Locale.ROOT, "  server exit on SIGTERM: %s; load average %s at the start, %s at the end%n",
                m.get("server_exit"), m.get("load_average_at_start"), m.get("load_average_at_end"));
        out.flush();
    }

    /** Requests in the memory run by default. */
    static int defaultSoak(boolean quick) {
        return quick ? 10_000 : 100_000;
    }
}
