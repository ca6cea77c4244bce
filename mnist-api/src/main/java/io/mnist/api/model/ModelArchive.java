package io.mnist.api.model;

import java.util.Map;
import java.util.Set;

/**
 * A model file read and verified by {@link ModelFile}: the manifest and the bytes of every other entry, each
 * already checked against the manifest's SHA-256. A backend builds its classifier from this. The not-a-digit
 * detector's entry, if the file has one, is not among {@code entries}: it is read into the manifest's
 * {@link io.mnist.api.ModelInfo#notADigitDetector()}.
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

    /**
     * An error for weights that a backend cannot use, naming this file.
     *
     * @param what  what does not fit; if {@code null}, blank or {@code "null"} (an engine exception without a
     *              message), it is described from {@code cause}
     * @param cause the engine's exception, or {@code null}
     */
    public CorruptModelFileException malformed(String what, Throwable cause) {
        return new CorruptModelFileException(source + " holds weights that do not fit its network: "
                + describe(what, cause)
                + ". The file is damaged or was written by an incompatible version; train or save it again.", cause);
    }

    private static String describe(String what, Throwable cause) {
        if (what != null && !what.isBlank() && !what.equals("null")) {
            return what;
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank() && !t.getMessage().equals("null")) {
                return t.getMessage().lines().findFirst().orElse("").strip() + " (" + t.getClass().getSimpleName()
                        + ")";
            }
        }
        if (cause instanceof java.io.EOFException) {
            return "the weights end before the network's last parameter";
        }
        return cause == null ? "the engine gave no reason" : "the engine failed with " + cause.getClass().getName();
    }
}
