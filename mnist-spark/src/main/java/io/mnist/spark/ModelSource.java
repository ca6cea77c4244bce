package io.mnist.spark;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.data.Sha256;
import io.mnist.api.model.ModelFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * Where the executors get their model: a backend's bundled model, or a model file whose bytes the driver broadcast
 * with their SHA-256. Sent to the executors with each task; small, since a broadcast travels by reference.
 *
 * @param backend the backend's name, or null to let {@link DigitClassifiers} choose (bundled model only)
 * @param path    the model file as the user named it, or null for the bundled model
 * @param sha256  the model file's SHA-256 as the driver read it, or null for the bundled model
 * @param bytes   the model file's bytes, or null for the bundled model
 */
record ModelSource(String backend, String path, String sha256, Broadcast<byte[]> bytes) implements Serializable {

    static ModelSource bundled(String backend) {
        return new ModelSource(backend, null, null, null);
    }

    static ModelSource file(String path, String sha256, String backend, Broadcast<byte[]> bytes) {
        return new ModelSource(backend, path, sha256, bytes);
    }

    /** What identifies the model within one JVM: the same key means the same weights. */
    String key() {
        return path == null ? "bundled:" + (backend == null ? "" : backend) : "file:" + sha256;
    }

    /** Loads the model; on an executor this runs once per JVM (see {@link ExecutorModels}). */
    DigitClassifier load() throws IOException {
        if (path == null) {
            return backend == null ? DigitClassifiers.pretrained() : DigitClassifiers.pretrained(backend);
        }
        byte[] model = bytes.value();
        String actual = Sha256.hex(model);
        if (!actual.equals(sha256)) {
            throw new IllegalStateException("The model file " + path + " arrived on this executor with SHA-256 "
                    + actual + ", not the " + sha256 + " the driver read; it was damaged on the way. Run the job"
                    + " again.");
        }
        return DigitClassifiers.load(ModelFile.read(new ByteArrayInputStream(model), path));
    }

    @Override
    public String toString() {
        return path == null ? "the bundled model of " + (backend == null ? "the default backend" : backend)
                : path + " (SHA-256 " + sha256 + ")";
    }
}
