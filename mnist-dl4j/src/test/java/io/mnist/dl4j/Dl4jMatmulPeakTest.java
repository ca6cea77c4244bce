package io.mnist.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The dl4j backend measures its engine's matrix product (what `mnist bench` calls the peak). */
class Dl4jMatmulPeakTest {

    @Test
    void measuresAFloat32MatrixProductOnItsEngine() {
        OptionalDouble gflops = new Dl4jBackend().matmulGflops(512, 2);
        assertThat(gflops).as("measured, not the SPI's 'not measured'").isPresent();
        assertThat(gflops.getAsDouble()).as("GFLOP/s of a 512 x 512 product").isPositive().isFinite();
    }
}
