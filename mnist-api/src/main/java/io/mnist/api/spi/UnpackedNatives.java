package io.mnist.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Native libraries an engine unpacks from its jars into a cache folder ({@code ~/.djl.ai}, {@code ~/.javacpp/cache})
 * and loads from there: whether that folder can take them, and whether the unpacked files are still what the jars
 * hold. A library cut short (a full disk, a killed unpacking, a copy that stopped) is mapped into memory as it is,
 * and the JVM dies with SIGBUS when the engine reaches its missing part; engines that check no more than that a
 * file exists load it all the same. A backend lists its engine's files ({@link Library}), {@linkplain #check checks}
 * them before the engine starts and deletes what does not match so that the engine unpacks it again;
 * {@code mnist doctor} checks them with digests.
 */
public final class UnpackedNatives {
    private UnpackedNatives() {
    }

    /**
     * One native library: where the engine unpacks it, and the classpath resource it is unpacked from.
     *
     * @param file   the unpacked file (it may not exist yet)
     * @param source the resource in the engine's jar
     */
    public record Library(Path file, URL source) {
    }

    /**
     * An unpacked library that does not match its source.
     *
     * @param file    the unpacked file
     * @param problem what is wrong, in words ("1,000 bytes, but the jar holds 446,372,105")
     */
    public record Mismatch(Path file, String problem) {
    }

    /**
     * Compares each unpacked library that exists with its source: the size always (the jar's directory records it,
     * so nothing is read), and with {@code digests} also the SHA-256 of both (reads them all: about a second per
     * 100 MB). A library that is not there is not a mismatch: the engine unpacks what is missing, or says so.
     *
     * @param libraries the engine's libraries
     * @param digests   whether to compare contents as well as sizes
     * @return the files that do not match, in the order given; empty if all match
     * @throws IOException if a source cannot be read
     */
    public static List<Mismatch> check(List<Library> libraries, boolean digests) throws IOException {
        List<Mismatch> bad = new ArrayList<>();
        for (Library library : libraries) {
            Path file = library.file();
            if (!Files.exists(file)) {
                continue;
            }
            if (!Files.isRegularFile(file)) {
                bad.add(new Mismatch(file, "it is not a regular file"));
                continue;
            }
            long actual = Files.size(file);
            URLConnection connection = library.source().openConnection();
            connection.setUseCaches(false);
            long expected = connection.getContentLengthLong();
            if (expected >= 0 && actual != expected) {
                bad.add(new Mismatch(file, String.format(java.util.Locale.ROOT,
                        "%,d bytes, but %s holds %,d: it was cut short or changed", actual, jar(library.source()),
                        expected)));
                continue;
            }
            if (digests) {
                String want;
                try (InputStream in = connection.getInputStream()) {
                    want = sha256(in);
                }
                String have;
                try (InputStream in = Files.newInputStream(file)) {
                    have = sha256(in);
                }
                if (!want.equals(have)) {
                    bad.add(new Mismatch(file, "SHA-256 " + have + ", but " + jar(library.source()) + " holds "
                            + want + ": it was damaged or changed"));
                }
            } else {
                try (InputStream ignored = connection.getInputStream()) {
                    // opened to close the jar the connection holds; sizes come from the jar's directory
                }
            }
        }
        return bad;
    }

    /**
     * Why native libraries cannot be unpacked into {@code folder}, or {@code null} if they can: it (or, if it does
     * not exist yet, the nearest folder above it) must be a folder this process can write into.
     *
     * @param folder the cache folder
     * @return the reason in words, naming the folder at fault, or null
     */
    public static String whyNotWritable(Path folder) {
        Path existing = folder.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null;
        }
        if (!Files.isDirectory(existing)) {
            return existing + " is a file, not a folder";
        }
        if (!Files.isWritable(existing)) {
            String how = "not writable";
            try {
                FileStore store = Files.getFileStore(existing);
                how = store.isReadOnly() ? "on a read-only file system" : how;
            } catch (IOException e) {
                // keep "not writable"
            }
            return existing + " is " + how;
        }
        return null;
    }

    /**
     * Deletes {@code path} and, if it is a folder, everything in it, so that the engine unpacks it again.
     * Libraries a running process has loaded stay loaded (the system frees them when it exits).
     *
     * @throws IOException if something in it cannot be deleted
     */
    public static void delete(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The jar a resource is in, by file name, or the resource itself. */
    private static String jar(URL source) {
        String s = source.toString();
        int bang = s.indexOf("!/");
        if (s.startsWith("jar:") && bang > 0) {
            String jar = s.substring(4, bang);
            return jar.substring(jar.lastIndexOf('/') + 1);
        }
        return s;
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (DigestInputStream digest = new DigestInputStream(in, md)) {
            digest.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
