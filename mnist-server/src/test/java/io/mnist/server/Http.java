package io.mnist.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** A small HTTP client for the tests, over loopback: raw bodies, multipart forms, JSON answers. */
final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;

    Http(MnistServer server) {
        this(server.port());
    }

    Http(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** An answer: status, headers and body. */
    record Answer(int status, HttpResponse<byte[]> response) {
        String text() {
            return new String(response.body(), StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON (" + status + "): " + text(), e);
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** The error code of an error answer. */
        String error() {
            return json().path("error").asText(null);
        }
    }

    /** A file of a multipart form. */
    record Part(String field, String filename, String contentType, byte[] bytes) {
        static Part file(String filename, byte[] bytes) {
            return new Part("file", filename, "application/octet-stream", bytes);
        }
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Answer post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Answer postMultipart(String path, List<Part> parts) {
        String boundary = "mnist-" + UUID.randomUUID();
        return post(path, "multipart/form-data; boundary=" + boundary, multipart(boundary, parts));
    }

    static byte[] multipart(String boundary, List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.field() + "\""
                    + (p.filename() == null ? "" : "; filename=\"" + p.filename() + "\"") + "\r\n"
                    + (p.contentType() == null ? "" : "Content-Type: " + p.contentType() + "\r\n") + "\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.bytes());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A test image from the resources. */
    static byte[] resource(String name) {
        try (InputStream in = Http.class.getResourceAsStream("images/" + name)) {
            if (in == null) {
                throw new IllegalStateException("No test image " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
