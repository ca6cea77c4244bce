package io.mnist.api.model;

import java.util.Map;
import java.util.Set;

/**
 * A model file read and verified by {@link ModelFile}: the manifest and the bytes of every other entry, each
 * already checked against the manifest's SHA-256. A backend builds its classifier from this.
 *
 * @param source   where it was read from, for messages
 * @param manifest the manifest
 * @param entries  entry name to contents
 */
public record ModelArchive(String source, ModelManifest manifest, Map<String, byte[]> entries) {
    public ModelArchive {
        entries = Map.copyOf(entries);
    }

    /** Names of the entries besides the manifest. */
    public Set<String> names() {
        return entries.keySet();
    }

    /**
     * The contents of entry {@code name}.
     *
     * @throws CorruptModelFileException if the file has no such entry
     */
    public byte[] entry(String name) throws CorruptModelFileException {
        byte[] bytes = entries.get(name);
        if (bytes == null) {
            throw new CorruptModelFileException(source + " has no entry '" + name + "' for backend '"
                    + manifest.model().backend() + "' (entries: " + names()
                    + "). The file is damaged or was not written by this backend; save or train it again.");
        }
        return bytes.clone();
    }

    /** An error for weights that a backend cannot use, naming this file. */
    public CorruptModelFileException malformed(String what, Throwable cause) {
        return new CorruptModelFileException(source + " holds weights that do not fit its network: " + what
                + ". The file is damaged or was written by an incompatible version; train or save it again.", cause);
    }
}
