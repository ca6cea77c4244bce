package io.mnist.api.model;

import io.mnist.api.LibraryVersion;
import java.time.Instant;

/**
 * Where and when a model file was written.
 *
 * @param library   version of mnist-api that wrote it ({@link LibraryVersion#current()})
 * @param java      Java runtime version and vendor
 * @param os        operating system name, version and architecture
 * @param createdAt UTC time of writing, ISO-8601
 */
public record Provenance(String library, String java, String os, String createdAt) {

    /**
     * The provenance of the running process, now.
     *
     * @return this library's version, the JVM, the OS and the time
     */
    public static Provenance current() {
        return new Provenance(LibraryVersion.current(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Instant.now().toString());
    }
}
