package io.mnist.api.model;

import java.time.Instant;

/**
 * Where and when a model file was written.
 *
 * @param library   version of mnist-api that wrote it
 * @param java      Java runtime version and vendor
 * @param os        operating system name, version and architecture
 * @param createdAt UTC time of writing, ISO-8601
 */
public record Provenance(String library, String java, String os, String createdAt) {

    /** The provenance of the running process, now. */
    public static Provenance current() {
        String library = Provenance.class.getPackage().getImplementationVersion();
        return new Provenance(library == null ? "development" : library,
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Instant.now().toString());
    }
}
