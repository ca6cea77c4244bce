package io.mnist.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BundledModelTest {

    @Test
    void readsAModelWhoseDigestMatchesTheRecordedOne() throws IOException {
        try (InputStream in = BundledModel.open(BundledModelTest.class, "good.mnist").orElseThrow()) {
            assertThat(in.readAllBytes()).containsExactly('w', 'e', 'i', 'g', 'h', 't', 's', 0, 1, 2);
        }
        assertThat(BundledModel.recordedDigest(BundledModelTest.class, "good.mnist")).hasValueSatisfying(
                d -> assertThat(d).hasSize(64).matches("[0-9a-f]+"));
    }

    @Test
    void noModelIsEmptyNotAnError() {
        assertThat(BundledModel.open(BundledModelTest.class, "absent.mnist")).isEmpty();
    }

    @Test
    void refusesAModelThatWasAlteredInTheJar() {
        assertThatThrownBy(() -> BundledModel.open(BundledModelTest.class, "altered.mnist"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("altered.mnist is damaged")
                .hasMessageContaining("was recorded");
    }

    @Test
    void refusesAModelWithoutARecordedDigest() {
        assertThatThrownBy(() -> BundledModel.open(BundledModelTest.class, "undigested.mnist"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no recorded digest");
    }
}
