package io.mnist.api.spi;

import java.util.OptionalDouble;

/**
 * The timing behind {@link DigitBackend#matmulGflops}, so that every backend measures its engine's matrix product
 * the same way and holds only the engine call.
 *
 * <pre>{@code
 * public OptionalDouble matmulGflops(int size, int repetitions) {
 *     try (NDManager m = engine.newBaseManager()) {
 *         NDArray a = m.randomUniform(-1, 1, new Shape(size, size));
 *         NDArray b = m.randomUniform(-1, 1, new Shape(size, size));
 *         return MatmulPeak.measure(size, repetitions, () -> a.matMul(b).close());
 *     }
 * }
 * }</pre>
 */
public final class MatmulPeak {
    /** The largest order accepted: a 16,384 x 16,384 float32 matrix is 1 GiB. */
    public static final int MAX_SIZE = 16_384;

    private MatmulPeak() {
    }

    /**
     * Runs {@code product} once untimed (the engine's first call allocates and picks its kernels), then
     * {@code repetitions} times timed, and returns the best rate: {@code 2 * size^3} floating-point operations over
     * the seconds of the fastest call.
     *
     * @param size        the order of the square matrices {@code product} multiplies, 1 to {@value #MAX_SIZE}
     * @param repetitions timed calls, at least 1
     * @param product     multiplies the two matrices and returns when the result is computed
     * @return the best rate in GFLOP/s, always present
     * @throws IllegalArgumentException if {@code size} or {@code repetitions} is out of range
     */
    public static OptionalDouble measure(int size, int repetitions, Runnable product) {
        check(size, repetitions);
        product.run();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            product.run();
            best = Math.min(best, Math.max(1, System.nanoTime() - start));
        }
        return OptionalDouble.of(2.0 * size * size * size / best);
    }

    /**
     * Checks {@link DigitBackend#matmulGflops}'s arguments.
     *
     * @throws IllegalArgumentException if {@code size} is not in 1..{@value #MAX_SIZE} or {@code repetitions} is
     *                                  below 1
     */
    public static void check(int size, int repetitions) {
        if (size < 1 || size > MAX_SIZE || repetitions < 1) {
            throw new IllegalArgumentException("A matrix product needs a size of 1 to " + MAX_SIZE + " and at least"
                    + " one repetition, not size " + size + " and " + repetitions + " repetitions");
        }
    }
}
