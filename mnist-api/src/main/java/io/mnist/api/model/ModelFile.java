package io.mnist.api.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.data.Sha256;
import io.mnist.api.internal.ManifestJson;
import io.mnist.api.ood.NotADigitDetector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes model files: a zip whose first entry is {@code manifest.json} ({@link ModelManifest}),
 * followed by the backend's weight entries, each recorded in the manifest by its SHA-256, and optionally the
 * not-a-digit detector ({@value NotADigitDetector#ENTRY}, read into {@link ModelInfo#notADigitDetector()}; files
 * without it load as before, with no out-of-distribution score).
 *
 * <p>Writing goes to a temporary file beside the target, which is then moved into place, so a crash never leaves
 * half a model. Reading verifies the structure, the format version and every digest before a backend sees a byte,
 * and checks every size against {@link ModelLimits} before allocating it.
 */
public final class ModelFile {
    private static final ObjectMapper JSON = ManifestJson.mapper();
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;

    private ModelFile() {
    }

    /**
     * Writes a model file atomically: to a temporary file {@code .NAME.NNN.tmp} beside the target, then moved into
     * place. Temporary files of the same target left by an earlier save that was killed are deleted first (those
     * still being written, by this or another process, are left alone), and a save cut short by a normal JVM
     * shutdown (Ctrl-C, {@code kill}) deletes its temporary file.
     *
     * @param path    target; replaced if it exists
     * @param info    what the model is
     * @param entries weight entries by name (must not include {@code manifest.json}); the detector of
     *                {@code info}, if any, is added as {@value NotADigitDetector#ENTRY}
     * @return the manifest written
     * @throws IOException if it cannot be written (a {@link io.mnist.api.spi.FileWriteException} naming the path,
     *                     why and what to do, for a full disk or a failing write); an existing file at {@code path}
     *                     is then left as it was
     */
    public static ModelManifest write(Path path, ModelInfo info, Map<String, byte[]> entries) throws IOException {
        return write(path, info, entries, Provenance.current());
    }

    /**
     * As {@link #write(Path, ModelInfo, Map)}, recording {@code provenance} rather than the current library, JVM and
     * time: for a file rewritten without changing its network (adding a not-a-digit detector), whose weights were
     * made then.
     *
     * @param path       target; replaced if it exists
     * @param info       what the model is; its {@link ModelInfo#notADigitDetector()}, if any, is written as the
     *                   entry {@value NotADigitDetector#ENTRY}
     * @param entries    weight entries by name (must not include {@code manifest.json} or the detector's entry)
     * @param provenance where and when the weights were written
     * @return the manifest written
     * @throws IOException if it cannot be written (a {@link io.mnist.api.spi.FileWriteException} naming the path,
     *                     why and what to do, for a full disk or a failing write); an existing file at {@code path}
     *                     is then left as it was
     */
    public static ModelManifest write(Path path, ModelInfo info, Map<String, byte[]> entries, Provenance provenance)
            throws IOException {
        if (entries.containsKey(ModelManifest.ENTRY)) {
            throw new IllegalArgumentException(ModelManifest.ENTRY + " is reserved for the manifest");
        }
        if (entries.containsKey(NotADigitDetector.ENTRY)) {
            throw new IllegalArgumentException(NotADigitDetector.ENTRY + " is written from the model info's"
                    + " notADigitDetector");
        }
        if (info.notADigitDetector() != null) {
            Map<String, byte[]> all = new LinkedHashMap<>(entries);
            all.put(NotADigitDetector.ENTRY, info.notADigitDetector().encode());
            entries = all;
        }
        Map<String, String> digests = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> digests.put(name, Sha256.hex(bytes)));
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT, ModelManifest.FORMAT_VERSION, info,
                java.util.Objects.requireNonNull(provenance, "provenance"), digests);
        // The move below replaces whatever is at the path: a FIFO or a device (save to /dev/full, as root) would
        // become a regular file. Refuse those, a folder and a path under a file, naming the path.
        checkWritable(path);
        // A full disk or a failing write says "No space left on device" and nothing more: name the file.
        Map<String, byte[]> all = entries;
        io.mnist.api.spi.FileWriteException.writing(path, () -> writeZip(path, manifest, all));
        return manifest;
    }

    private static void writeZip(Path path, ModelManifest manifest, Map<String, byte[]> entries) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        deleteStaleTemporaryFiles(target);
        Path temp = Files.createTempFile(dir, tempPrefix(target), TEMP_SUFFIX);
        PENDING.add(temp);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
                 ZipOutputStream zip = new ZipOutputStream(out)) {
                // Held until the channel closes: tells deleteStaleTemporaryFiles that this file is being written.
                channel.lock();
                zip.putNextEntry(new ZipEntry(ModelManifest.ENTRY));
                zip.write(JSON.writeValueAsBytes(manifest));
                zip.closeEntry();
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
                zip.finish();
                out.flush();
                channel.force(true);
            }
            io.mnist.api.internal.AtomicFiles.publish(temp, target);
        } finally {
            Files.deleteIfExists(temp);
            PENDING.remove(temp);
        }
    }

    /**
     * Checks, before any work, that {@link #write} could create {@code path}: it is not a folder, no part of its
     * parent path is a file, and its folder (created if missing) takes new files. Call it before a long training
     * run, so that a wrong path fails in a second rather than after the run.
     *
     * @throws IOException with a message naming the path and what is wrong
     */
    public static void checkWritable(Path path) throws IOException {
        Path target = path.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new java.nio.file.FileSystemException(path.toString(), null, "it is a folder; give a file name for"
                    + " the model, e.g. " + path.resolve("model.mnist"));
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new java.nio.file.FileSystemException(path.toString(), null, "it is not a regular file (a FIFO,"
                    + " socket or device); give a file name for the model");
        }
        Path dir = target.getParent();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new java.nio.file.FileSystemException(path.toString(), null, p + " is a file, not a folder;"
                        + " the model cannot be written under it");
            }
            if (Files.isDirectory(p)) {
                break;
            }
        }
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, tempPrefix(target), ".probe"));
        } catch (IOException e) {
            throw new java.nio.file.FileSystemException(path.toString(), null, "cannot write into " + dir + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); choose another place, or make that folder writable");
        }
    }

    private static final String TEMP_SUFFIX = ".tmp";
    /** Temporary files being written by this JVM, deleted by a shutdown hook if the JVM exits first. */
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : PENDING) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // The JVM is going; the next save of this model deletes it.
                }
            }
        }, "mnist-model-file-cleanup"));
    }

    private static String tempPrefix(Path target) {
        return "." + target.getFileName() + ".";
    }

    /**
     * Deletes {@code .NAME.NNN.tmp} files beside {@code target} that no one is writing: each writer holds a lock on
     * its file until it is moved into place, and a killed process's locks are gone with it.
     */
    static void deleteStaleTemporaryFiles(Path target) {
        String prefix = tempPrefix(target);
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(target.getParent(), p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX)
                    && n.substring(prefix.length(), n.length() - TEMP_SUFFIX.length()).matches("-?[0-9]+");
        })) {
            for (Path p : candidates) {
                if (PENDING.contains(p) || !Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE);
                     FileLock lock = channel.tryLock()) {
                    if (lock != null) {
                        Files.delete(p);
                    }
                } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
                    // In use, or not ours to delete: leave it.
                }
            }
        } catch (IOException e) {
            // Cleaning up is a courtesy; the save itself reports what matters.
        }
    }

    /** As {@link #read(Path, ModelLimits)} with {@link ModelLimits#defaults()}. */
    public static ModelArchive read(Path path) throws IOException {
        return read(path, ModelLimits.defaults());
    }

    /**
     * Reads and verifies a model file, checking every declared and actual size against {@code limits} before it is
     * allocated.
     *
     * @throws NoSuchFileException              if there is no file at {@code path}
     * @throws NotAModelFileException           if it is not a regular file, not a zip, or a zip without our manifest
     * @throws CorruptModelFileException        if it is truncated or its zip or manifest cannot be read
     * @throws UnsupportedModelVersionException if a newer library wrote it
     * @throws DigestMismatchException          if an entry differs from what the manifest recorded
     * @throws ModelTooLargeException           if it is larger than {@code limits} allow
     */
    public static ModelArchive read(Path path, ModelLimits limits) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null,
                    "no model file there; train one with 'mnist train --output " + path.getFileName()
                            + "' or use DigitClassifiers.pretrained()");
        }
        if (Files.isDirectory(path)) {
            throw new NotAModelFileException(path + " is a directory, not a model file");
        }
        if (!Files.isRegularFile(path)) {
            throw new NotAModelFileException(path + " is not a regular file (a FIFO, socket or device), not a model"
                    + " file; only regular files are read");
        }
        long size = Files.size(path);
        if (size > limits.maxFileBytes()) {
            throw new ModelTooLargeException(path + " is " + size + " bytes, over "
                    + ModelLimits.limit("maxFileBytes", limits.maxFileBytes()));
        }
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString(), limits);
        }
    }

    /** As {@link #read(InputStream, String, ModelLimits)} with {@link ModelLimits#defaults()}. */
    public static ModelArchive read(InputStream in, String source) throws IOException {
        return read(in, source, ModelLimits.defaults());
    }

    /**
     * Reads and verifies a model file from a stream (e.g. a bundled resource), to its end; see
     * {@link #read(Path, ModelLimits)}. The stream is not closed.
     *
     * @throws ModelTooLargeException if the stream holds more than {@link ModelLimits#maxFileBytes()}, or the file
     *                                is otherwise larger than {@code limits} allow
     * @throws ModelFileException     if the file is not a model file, or is damaged, altered or too new
     */
    public static ModelArchive read(InputStream in, String source, ModelLimits limits) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxFileBytes() + 1));
        if (bytes.length > limits.maxFileBytes()) {
            throw new ModelTooLargeException(source + " is more than " + limits.maxFileBytes() + " bytes, over "
                    + ModelLimits.limit("maxFileBytes", limits.maxFileBytes()));
        }
        return read(bytes, source, limits);
    }

    private static ModelArchive read(byte[] bytes, String source, ModelLimits limits) throws IOException {
        if (bytes.length < 4 || readIntLe(bytes, 0) != LOCAL_HEADER) {
            throw new NotAModelFileException(source + " is not an mnist model file: it is not a zip archive"
                    + (bytes.length == 0 ? " (it is empty)" : "")
                    + ". Model files are written by DigitClassifier.save or 'mnist train'.");
        }
        if (!hasEndOfCentralDirectory(bytes)) {
            throw new CorruptModelFileException(source + " is truncated: the zip archive's end record is missing ("
                    + bytes.length + " bytes). Copy or save the model again.");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        ModelManifest manifest = null;
        long expanded = 0;
        long budget = limits.maxExpandedBytes();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                boolean isManifest = entry.getName().equals(ModelManifest.ENTRY);
                if (isManifest) {
                    if (manifest != null) {
                        throw new CorruptModelFileException(source + " has two " + ModelManifest.ENTRY
                                + " entries. The file was altered after it was saved; save it again.");
                    }
                    manifest = parseManifest(bounded(zip, entry.getName(), ModelLimits.MAX_MANIFEST_BYTES,
                            "the manifest's own limit of " + ModelLimits.MAX_MANIFEST_BYTES + " bytes", source),
                            source, limits);
                    budget = Math.min(budget, weightBudget(manifest));
                    if (expanded > budget) {
                        throw tooMuchWeight(source, manifest, expanded);
                    }
                    continue;
                }
                if (entry.isDirectory()) {
                    continue;
                }
                long entryLimit = Math.min(limits.maxEntryBytes(), budget - expanded);
                String limit = entryLimit == limits.maxEntryBytes()
                        ? ModelLimits.limit("maxEntryBytes", limits.maxEntryBytes())
                        : manifest != null && budget < limits.maxExpandedBytes()
                                ? "what its manifest's network needs (" + budget + " bytes in all)"
                                : ModelLimits.limit("maxExpandedBytes", limits.maxExpandedBytes());
                byte[] content = bounded(zip, entry.getName(), entryLimit, limit, source);
                expanded += content.length;
                if (entries.put(entry.getName(), content) != null) {
                    throw new CorruptModelFileException(source + " has two entries named '" + entry.getName()
                            + "'. The file was altered after it was saved; save it again.");
                }
            }
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptModelFileException(source + " is damaged or truncated: " + describe(e)
                    + ". Copy or save the model again.", e);
        }
        if (manifest == null) {
            throw new NotAModelFileException(source + " is a zip archive but not an mnist model file: it has no "
                    + ModelManifest.ENTRY + ". Model files are written by DigitClassifier.save or 'mnist train'.");
        }
        verifyDigests(manifest, entries, source);
        byte[] detector = entries.remove(NotADigitDetector.ENTRY);
        if (detector != null) {
            manifest = new ModelManifest(manifest.format(), manifest.formatVersion(), manifest.model()
                    .withNotADigitDetector(NotADigitDetector.decode(detector, source)), manifest.provenance(),
                    manifest.entries());
        }
        return new ModelArchive(source, manifest, entries);
    }

    /** The entry's bytes, reading no more than {@code max} + 1 of them. */
    private static byte[] bounded(ZipInputStream zip, String name, long max, String limit, String source)
            throws IOException {
        byte[] content = zip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (content.length > max) {
            throw new ModelTooLargeException(source + ": entry '" + name + "' expands to more than " + max
                    + " bytes, over " + limit + ". A model file this large is damaged or not one of ours"
                    + " (a zip bomb stops here).");
        }
        return content;
    }

    /** The most bytes the weight entries of {@code manifest}'s network may take. */
    private static long weightBudget(ModelManifest manifest) {
        long parameters = parameters(manifest.model().network());
        return parameters >= Long.MAX_VALUE / ModelLimits.BYTES_PER_PARAMETER ? Long.MAX_VALUE
                : parameters * ModelLimits.BYTES_PER_PARAMETER + ModelLimits.SLACK_BYTES;
    }

    private static ModelTooLargeException tooMuchWeight(String source, ModelManifest manifest, long expanded) {
        return new ModelTooLargeException(source + ": its entries expand to " + expanded + " bytes, more than its"
                + " manifest's network of " + parameters(manifest.model().network()) + " parameters needs ("
                + weightBudget(manifest) + " bytes at most). The file is damaged or not one of ours.");
    }

    /** Parameters of {@code network}; {@link Long#MAX_VALUE} if they overflow (see NetworkSpec#parameterCount). */
    static long parameters(NetworkSpec network) {
        return network.parameterCount();
    }

    private static ModelManifest parseManifest(byte[] json, String source, ModelLimits limits)
            throws ModelFileException {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (IOException e) {
            throw new CorruptModelFileException(source + " has a damaged " + ModelManifest.ENTRY + " (not JSON: "
                    + describe(e) + "). Copy or save the model again.", e);
        }
        if (tree == null || !ModelManifest.FORMAT.equals(tree.path("format").asText())) {
            throw new NotAModelFileException(source + " is a zip archive but not an mnist model file: its "
                    + ModelManifest.ENTRY + " lacks \"format\": \"" + ModelManifest.FORMAT + "\".");
        }
        int version = tree.path("formatVersion").asInt(-1);
        if (version > ModelManifest.FORMAT_VERSION) {
            throw new UnsupportedModelVersionException(source + " uses model format version " + version
                    + ", newer than version " + ModelManifest.FORMAT_VERSION
                    + " that this mnist-api reads. Upgrade io.mnist:mnist-api and the backend to the version"
                    + " that wrote it.");
        }
        if (version < 1) {
            throw new CorruptModelFileException(source + " has a damaged " + ModelManifest.ENTRY
                    + ": formatVersion is missing or invalid.");
        }
        for (JsonNode layers : List.of(tree.path("model").path("network").path("layers"),
                tree.path("model").path("training").path("network").path("layers"))) {
            if (layers.size() > limits.maxLayers()) {
                throw new ModelTooLargeException(source + ": its manifest declares a network of " + layers.size()
                        + " layers, over " + ModelLimits.limit("maxLayers", limits.maxLayers()));
            }
        }
        ModelManifest manifest;
        try {
            manifest = JSON.treeToValue(tree, ModelManifest.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CorruptModelFileException(source + " has a damaged " + ModelManifest.ENTRY + ": "
                    + describeBinding(e) + ". Copy or save the model again.", e);
        }
        long parameters = parameters(manifest.model().network());
        if (parameters > limits.maxParameters()) {
            throw new ModelTooLargeException(source + ": its manifest declares a network of "
                    + (parameters == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : String.format(
                            java.util.Locale.ROOT, "%,d", parameters)) + " parameters, over "
                    + ModelLimits.limit("maxParameters", limits.maxParameters()));
        }
        return manifest;
    }

    /**
     * What is wrong in the manifest's content, as a sentence: Jackson says "Cannot construct instance of
     * `io.mnist.api.ModelInfo`, problem: backend" when a record's constructor refuses a missing field.
     */
    private static String describeBinding(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.ValueInstantiationException v) {
            String type = v.getType() == null ? "a record" : v.getType().getRawClass().getSimpleName();
            Throwable cause = v.getCause();
            if (cause instanceof NullPointerException npe && npe.getMessage() != null) {
                return "its " + type + " lacks \"" + npe.getMessage() + "\"";
            }
            if (cause != null && cause.getMessage() != null) {
                return "its " + type + " is invalid: " + cause.getMessage();
            }
        }
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            String path = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : String.valueOf(r.getIndex())).collect(java.util.stream.Collectors.joining("."));
            return (path.isEmpty() ? "" : "at " + path + ": ") + m.getOriginalMessage().lines().findFirst()
                    .orElse("").strip();
        }
        return describe(e);
    }

    /** The first line of the most telling message in {@code e}'s causes, never "null". */
    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName()
                : m.lines().findFirst().orElse(m).strip();
    }

    private static void verifyDigests(ModelManifest manifest, Map<String, byte[]> entries, String source)
            throws ModelFileException {
        for (Map.Entry<String, String> recorded : manifest.entries().entrySet()) {
            byte[] content = entries.get(recorded.getKey());
            if (content == null) {
                throw new CorruptModelFileException(source + " lacks entry '" + recorded.getKey()
                        + "' that its manifest lists. Copy or save the model again.");
            }
            String actual = Sha256.hex(content);
            if (!actual.equalsIgnoreCase(recorded.getValue())) {
                throw new DigestMismatchException(source + ": entry '" + recorded.getKey() + "' has SHA-256 "
                        + actual + " but the manifest records " + recorded.getValue()
                        + ". The file was altered or damaged after it was saved; do not use it, save it again.");
            }
        }
        for (String name : entries.keySet()) {
            if (!manifest.entries().containsKey(name)) {
                throw new DigestMismatchException(source + ": entry '" + name
                        + "' is not recorded in the manifest. The file was altered after it was saved.");
            }
        }
    }

    private static boolean hasEndOfCentralDirectory(byte[] bytes) {
        int lowest = Math.max(0, bytes.length - 22 - 0xFFFF);
        for (int i = bytes.length - 22; i >= lowest; i--) {
            if (readIntLe(bytes, i) == END_OF_CENTRAL_DIRECTORY) {
                return true;
            }
        }
        return false;
    }

    private static int readIntLe(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
