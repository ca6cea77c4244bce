package io.mnist.api.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mnist.api.ModelInfo;
import io.mnist.api.data.Sha256;
import io.mnist.api.internal.ManifestJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes model files: a zip whose first entry is {@code manifest.json} ({@link ModelManifest}),
 * followed by the backend's weight entries, each recorded in the manifest by its SHA-256.
 *
 * <p>Writing goes to a temporary file beside the target, which is then moved into place, so a crash never leaves
 * half a model. Reading verifies the structure, the format version and every digest before a backend sees a byte.
 */
public final class ModelFile {
    private static final ObjectMapper JSON = ManifestJson.mapper();
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;

    private ModelFile() {
    }

    /**
     * Writes a model file atomically.
     *
     * @param path    target; replaced if it exists
     * @param info    what the model is
     * @param entries weight entries by name (must not include {@code manifest.json})
     * @return the manifest written
     */
    public static ModelManifest write(Path path, ModelInfo info, Map<String, byte[]> entries) throws IOException {
        if (entries.containsKey(ModelManifest.ENTRY)) {
            throw new IllegalArgumentException(ModelManifest.ENTRY + " is reserved for the manifest");
        }
        Map<String, String> digests = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> digests.put(name, Sha256.hex(bytes)));
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT, ModelManifest.FORMAT_VERSION, info,
                Provenance.current(), digests);
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
                 ZipOutputStream zip = new ZipOutputStream(out)) {
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
            // Temporary files are private (rw-------); a saved model should be as readable as any file the user writes.
            if (Files.getFileStore(temp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return manifest;
    }

    /**
     * Reads and verifies a model file.
     *
     * @throws NoSuchFileException              if there is no file at {@code path}
     * @throws NotAModelFileException           if it is not a zip, or a zip without our manifest
     * @throws CorruptModelFileException        if it is truncated or its zip or manifest cannot be read
     * @throws UnsupportedModelVersionException if a newer library wrote it
     * @throws DigestMismatchException          if an entry differs from what the manifest recorded
     */
    public static ModelArchive read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null,
                    "no model file there; train one with 'mnist train --output " + path.getFileName()
                            + "' or use DigitClassifiers.pretrained()");
        }
        if (Files.isDirectory(path)) {
            throw new NotAModelFileException(path + " is a directory, not a model file");
        }
        return read(Files.readAllBytes(path), path.toString());
    }

    /** Reads and verifies a model file from a stream (e.g. a bundled resource); see {@link #read(Path)}. */
    public static ModelArchive read(InputStream in, String source) throws IOException {
        return read(in.readAllBytes(), source);
    }

    private static ModelArchive read(byte[] bytes, String source) throws IOException {
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
        byte[] manifestBytes = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                byte[] content = zip.readAllBytes();
                if (entry.getName().equals(ModelManifest.ENTRY)) {
                    manifestBytes = content;
                } else if (!entry.isDirectory()) {
                    entries.put(entry.getName(), content);
                }
            }
        } catch (IOException e) {
            throw new CorruptModelFileException(source + " is damaged or truncated: " + e.getMessage()
                    + ". Copy or save the model again.", e);
        }
        if (manifestBytes == null) {
            throw new NotAModelFileException(source + " is a zip archive but not an mnist model file: it has no "
                    + ModelManifest.ENTRY + ". Model files are written by DigitClassifier.save or 'mnist train'.");
        }
        ModelManifest manifest = parseManifest(manifestBytes, source);
        verifyDigests(manifest, entries, source);
        return new ModelArchive(source, manifest, entries);
    }

    private static ModelManifest parseManifest(byte[] json, String source) throws ModelFileException {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (IOException e) {
            throw new CorruptModelFileException(source + " has a damaged " + ModelManifest.ENTRY + " (not JSON: "
                    + e.getMessage().lines().findFirst().orElse("") + "). Copy or save the model again.", e);
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
        try {
            return JSON.treeToValue(tree, ModelManifest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CorruptModelFileException(source + " has a damaged " + ModelManifest.ENTRY + ": "
                    + e.getMessage() + ". Copy or save the model again.", e);
        }
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
