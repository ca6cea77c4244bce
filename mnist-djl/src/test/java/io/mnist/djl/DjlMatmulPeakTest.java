package io.mnist.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The djl backend measures its engine's matrix product (what `mnist bench` calls the peak). */
class DjlMatmulPeakTest {

    @Test
    void measuresAFloat32MatrixProductOnItsEngine() {
        OptionalDouble gflops = new DjlBackend().matmulGflops(512, 2);
        assertThat(gflops).as("measured, not the SPI's 'not measured'").isPresent();
        assertThat(gflops.getAsDouble()).as("GFLOP/s of a 512 x 512 product").isPositive().isFinite();
    }
}
