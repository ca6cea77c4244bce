package io.mnist.api.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mnist.api.internal.ManifestJson;
import io.mnist.api.data.Sha256;
import io.mnist.api.model.ModelManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Makes damaged copies of a model file, the way a disk, a network or a person would damage it. */
public final class ModelFileSurgery {
    private ModelFileSurgery() {
    }

    /** The first {@code fraction} of the file's bytes. */
    public static Path truncated(Path model, double fraction, Path target) throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        Files.write(target, java.util.Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
        return target;
    }

    /**
     * A copy with the manifest edited and entries replaced.
     *
     * @param manifestEdit changes the manifest's JSON
     * @param entryEdit    returns new bytes for an entry (or the same)
     * @param redigest     whether to record the new entries' digests (a consistent file) or keep the old ones
     */
    public static Path rewritten(Path model, Path target, Consumer<ObjectNode> manifestEdit,
                                 BiFunction<String, byte[], byte[]> entryEdit, boolean redigest) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        ObjectNode manifest = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(model)))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] content = zip.readAllBytes();
                if (e.getName().equals(ModelManifest.ENTRY)) {
                    manifest = (ObjectNode) ManifestJson.mapper().readTree(content);
                } else {
                    entries.put(e.getName(), entryEdit.apply(e.getName(), content));
                }
            }
        }
        if (manifest == null) {
            throw new IllegalArgumentException(model + " has no manifest");
        }
        manifestEdit.accept(manifest);
        if (redigest) {
            ObjectNode digests = manifest.putObject("entries");
            entries.forEach((name, bytes) -> digests.put(name, Sha256.hex(bytes)));
        }
        try (OutputStream out = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(ModelManifest.ENTRY));
            zip.write(ManifestJson.mapper().writeValueAsBytes(manifest));
            zip.closeEntry();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return target;
    }
}
