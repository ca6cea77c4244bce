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
 * p50 and p99 latency, errors, and the CPU the server and the clients spent per request (from {@code /proc}: on a
 * machine shared with other work the rates move with the other work, the CPU per request much less). Then it sends
 * {@code soak} requests from 8 clients while sampling the server's resident memory and, from its {@code /metrics},
 * what the JVM holds of it, and stops the server with SIGTERM. Every loop is bounded in count and in time.
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
                long serverCpu = cpuNanos(server.pid());
                long clientCpu = cpuNanos(ProcessHandle.current().pid());
                Load l = load(images, port, clients, requests, 60);
                double serverCpuMs = (cpuNanos(server.pid()) - serverCpu) / 1e6 / Math.max(1, l.requests());
                double clientCpuMs = (cpuNanos(ProcessHandle.current().pid()) - clientCpu) / 1e6
                        / Math.max(1, l.requests());
                Map<String, Object> level = new LinkedHashMap<>();
                level.put("clients", clients);
                level.put("requests", l.requests());
                level.put("requests_per_second", BenchCommand.round(l.rate()));
                level.put("latency_ms_p50", BenchCommand.round(l.percentile(0.50)));
                level.put("latency_ms_p99", BenchCommand.round(l.percentile(0.99)));
                level.put("errors", l.errors());
                level.put("server_cpu_ms_per_request", BenchCommand.round(serverCpuMs));
                level.put("client_cpu_ms_per_request", BenchCommand.round(clientCpuMs));
                levels.add(level);
                if (clients == 8) {
                    m.put("share_of_in_process_at_8_clients", BenchCommand.round(l.rate() / inProcess));
                    m.put("target_met", l.rate() >= TARGET * inProcess && l.errors() == 0);
                }
            }
            m.put("levels", levels);

            progress("memory: %,d requests from 8 clients, resident memory sampled every %,d", soak, soak / 10);
            List<Long> rss = new ArrayList<>();
            List<Map<String, Object>> memory = new ArrayList<>();
            rss.add(residentMb(server.pid()));
            memory.add(memory(server.pid(), port, 0));
            long soakErrors = 0;
            long soakRequests = 0;
            long soakCpu = cpuNanos(server.pid());
            long start = System.nanoTime();
            for (int part = 0; part < 10; part++) {
                Load l = load(images, port, 8, soak / 10, 120);
                soakErrors += l.errors();
                soakRequests += l.requests();
                rss.add(residentMb(server.pid()));
                memory.add(memory(server.pid(), port, soakRequests));
            }
            // The first tenth lets the heap reach its working size; flat means no growth after it.
            List<Long> settled = rss.subList(1, rss.size());
            long growth = settled.get(settled.size() - 1) - settled.get(0);
            m.put("soak_requests", soakRequests);
            m.put("soak_errors", soakErrors);
            m.put("soak_requests_per_second", BenchCommand.round(soakRequests / ((System.nanoTime() - start) / 1e9)));
            // Less the memory samples' own requests to /metrics, one every tenth: negligible.
            m.put("soak_server_cpu_ms_per_request", BenchCommand.round((cpuNanos(server.pid()) - soakCpu) / 1e6
                    / Math.max(1, soakRequests)));
            m.put("rss_mb_samples", rss);
            m.put("memory_samples", memory);
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
            double at8 = (double) level(m, 8).get("requests_per_second");
            m.put("share_of_in_process_at_8_clients", BenchCommand.round(at8 / again));
            m.put("target_met", at8 >= TARGET * again && (long) level(m, 8).get("errors") == 0);
        }
        m.put("in_process_per_second", BenchCommand.round(Math.max(inProcess, again)));
        if (m.containsKey("levels")) {
            // Rates move with whatever else runs on the machine, and under contention the side with more runnable
            // threads (the server's, with its clients) gets more of the cores. CPU per image does not depend on the
            // share: the in-process CPU an image over the server's and clients' CPU a request is the share of the
            // in-process rate the server would deliver on cores of its own.
            String key = "in_process_cpu_ms_per_image_" + Runtime.getRuntime().availableProcessors() + "_threads";
            double inProcessCpu = Math.min((double) m.get(key), (double) m.get(key + "_after"));
            Map<String, Object> at8 = level(m, 8);
            double serverCpu = (double) at8.get("server_cpu_ms_per_request")
                    + (double) at8.get("client_cpu_ms_per_request");
            m.put("cpu_share_at_8_clients", BenchCommand.round(inProcessCpu / serverCpu));
        }
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
            long cpu = cpuNanos(ProcessHandle.current().pid());
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
            double cpuMs = (cpuNanos(ProcessHandle.current().pid()) - cpu) / 1e6 / timed;
            m.put("in_process_per_second_1_thread" + suffix, BenchCommand.round(single));
            m.put("in_process_per_second_" + threads + "_threads" + suffix, BenchCommand.round(parallel));
            m.put("in_process_cpu_ms_per_image_" + threads + "_threads" + suffix, BenchCommand.round(cpuMs));
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

        /** Sends a POST and reads the answer past its body; returns the status. */
        int post(String path, String contentType, byte[] body) throws IOException {
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: "
                    + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            return exchange(request, null);
        }

        /** Sends a GET; returns the body of a 200 answer as UTF-8 text. */
        String get(String path) throws IOException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            int status = exchange(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII), body);
            if (status != 200) {
                throw new IOException("GET " + path + " answered " + status);
            }
            return body.toString(StandardCharsets.UTF_8);
        }

        /** Writes a request, reads the answer; its body goes to {@code body}, or is skipped if that is null. */
        private int exchange(byte[] request, OutputStream body) throws IOException {
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
                    read(size, body);
                    line();
                }
                line();
            } else if (length > 0) {
                read(length, body);
            }
            if (close) {
                close();
                open();
            }
            return Integer.parseInt(status.split(" ")[1]);
        }

        private void read(long bytes, OutputStream body) throws IOException {
            if (body == null) {
                in.skipNBytes(bytes);
            } else {
                body.write(in.readNBytes(Math.toIntExact(bytes)));
            }
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

    /** The figures measured at {@code clients} clients. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> level(Map<String, Object> m, int clients) {
        return ((List<Map<String, Object>>) m.get("levels")).stream().filter(l -> (int) l.get("clients") == clients)
                .findFirst().orElseThrow();
    }

    /** The machine's 1-minute load average: other work on the cores shows here. */
    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    /** User and system CPU a process has spent, in nanoseconds, from {@code /proc/PID/stat} (10 ms ticks). */
    private static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    /**
     * What the server's memory holds after {@code requests} requests, in MB: resident in all, committed to the
     * Java heap and to the JVM's other areas (code, metaspace), direct buffers, the rest being native memory
     * (the engine, the C library's allocator, thread stacks); and its threads, the engine's included.
     */
    private static Map<String, Object> memory(long pid, int port, long requests) throws IOException {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("requests", requests);
        long rss = residentMb(pid);
        sample.put("rss", rss);
        double heap = 0;
        double nonHeap = 0;
        double direct = 0;
        try (Connection c = new Connection(port)) {
            for (String line : c.get("/metrics").split("\n")) {
                if (line.startsWith("jvm_memory_committed_bytes{")) {
                    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    if (line.contains("area=\"heap\"")) {
                        heap += value;
                    } else {
                        nonHeap += value;
                    }
                } else if (line.startsWith("jvm_buffer_memory_used_bytes{") && line.contains("id=\"direct\"")) {
                    direct += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        sample.put("heap_committed", Math.round(heap / MB));
        sample.put("non_heap_committed", Math.round(nonHeap / MB));
        sample.put("direct", Math.round(direct / MB));
        sample.put("native_rest", rss - Math.round(heap / MB) - Math.round(nonHeap / MB) - Math.round(direct / MB));
        sample.put("threads", status(pid, "Threads:"));
        return sample;
    }

    /** {@code VmRSS} of a process, in MB. */
    private static long residentMb(long pid) throws IOException {
        return status(pid, "VmRSS:") * 1024 / MB;
    }

    /** The number on a line of {@code /proc/PID/status} ({@code VmRSS:} in kB, {@code Threads:}), or -1. */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
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
        String cores = m.get("cores") + "_threads";
        out.printf(Locale.ROOT, "  in-process predict(byte[])  %,.0f/s on 1 thread, %,.0f/s on %d threads (%.2f ms of"
                        + " CPU an image); after the server: %,.0f/s and %,.0f/s (%.2f ms)%n",
                m.get("in_process_per_second_1_thread"), m.get("in_process_per_second_" + cores), m.get("cores"),
                m.get("in_process_cpu_ms_per_image_" + cores), m.get("in_process_per_second_1_thread_after"),
                m.get("in_process_per_second_" + cores + "_after"), m.get("in_process_cpu_ms_per_image_" + cores
                        + "_after"));
        if (m.containsKey("levels")) {
            out.printf(Locale.ROOT, "  %-8s %10s %10s %10s %8s %22s%n", "clients", "requests/s", "p50 ms", "p99 ms",
                    "errors", "CPU ms server/clients");
            for (Map<String, Object> l : (List<Map<String, Object>>) m.get("levels")) {
                out.printf(Locale.ROOT, "  %-8d %,10.0f %10.2f %10.2f %8d %15.2f / %.2f%n", l.get("clients"),
                        l.get("requests_per_second"), l.get("latency_ms_p50"), l.get("latency_ms_p99"),
                        l.get("errors"), l.get("server_cpu_ms_per_request"), l.get("client_cpu_ms_per_request"));
            }
            out.printf(Locale.ROOT, "  at 8 clients: %.0f%% of the in-process rate (target %.0f%%, no errors): %s;"
                            + " by CPU a request against CPU an image in-process: %.0f%%%n",
                    100 * (double) m.get("share_of_in_process_at_8_clients"), 100 * TARGET,
                    Boolean.TRUE.equals(m.get("target_met")) ? "met" : "NOT met",
                    100 * (double) m.get("cpu_share_at_8_clients"));
        }
        if (m.containsKey("rss_mb_samples")) {
            out.printf(Locale.ROOT, "  resident memory over %,d requests (%,.0f/s, %.2f ms of server CPU a request, %d"
                            + " errors): %s MB; %+d MB after the first tenth (flat within 50 MB: %s)%n",
                    m.get("soak_requests"), m.get("soak_requests_per_second"), m.get("soak_server_cpu_ms_per_request"),
                    m.get("soak_errors"), m.get("rss_mb_samples"),
                    m.get("rss_mb_growth_after_first_tenth"),
                    Boolean.TRUE.equals(m.get("rss_flat_within_50_mb")) ? "yes" : "NO");
            out.printf(Locale.ROOT, "    %-9s %6s %6s %9s %7s %8s %8s%n", "requests", "RSS", "heap", "non-heap",
                    "direct", "native", "threads");
            for (Map<String, Object> sample : (List<Map<String, Object>>) m.get("memory_samples")) {
                out.printf(Locale.ROOT, "    %-,9d %6d %6d %9d %7d %8d %8d%n", sample.get("requests"),
                        sample.get("rss"), sample.get("heap_committed"), sample.get("non_heap_committed"),
                        sample.get("direct"), sample.get("native_rest"), sample.get("threads"));
            }
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
