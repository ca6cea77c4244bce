package io.mnist.api;

import java.util.Objects;

/**
 * Where an imported network came from: the file it was read from and the program that wrote it. A model imported
 * from Keras records this in its {@link ModelInfo#importedFrom()} (and so in its model file), since it was not
 * trained here and has no training config or history.
 *
 * @param format     the file's format: {@code keras-h5} (legacy HDF5, {@code model.save("x.h5")}) or {@code keras}
 *                   (the {@code .keras} zip archive)
 * @param file       the file's name, without its folder
 * @param producer   the program and version that wrote it as the file records it, e.g. {@code Keras 3.1.1}, or
 *                   {@code Keras (version not recorded)}
 * @param sha256     the lower-case hex SHA-256 of the whole file
 * @param inputScale what the source model was fed: 1 for pixels in [0, 1], 255 for raw 0-255 pixels (the network's
 *                   own {@link NetworkSpec#inputScale()} is this times any leading Keras {@code Rescaling} factor)
 */
public record ImportSource(String format, String file, String producer, String sha256, double inputScale) {
    /**
     * Checks that every part is present.
     *
     * @throws NullPointerException if a part is null
     */
    public ImportSource {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** As a phrase: {@code mnist_model.h5 (keras-h5, Keras 3.1.1, sha256 0123456789ab)}. */
    @Override
    public String toString() {
        return file + " (" + format + ", " + producer + ", sha256 " + sha256.substring(0, Math.min(12, sha256.length()))
                + ")";
    }
}
