package io.mnist.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.model.Provenance;
import org.junit.jupiter.api.Test;

class LibraryVersionTest {
    /** The version Maven builds; the surefire configuration does not pass it, so the library must know it. */
    @Test
    void knowsTheVersionItWasBuiltAs() {
        assertThat(LibraryVersion.current()).as("a Maven version, not a placeholder")
                .matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?").isNotEqualTo("unknown");
    }

    @Test
    void modelProvenanceRecordsThisVersion() {
        assertThat(Provenance.current().library()).isEqualTo(LibraryVersion.current()).isNotEqualTo("development");
    }
}
