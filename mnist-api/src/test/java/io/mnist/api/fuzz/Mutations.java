package io.mnist.api.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Damage as files meet it, applied to the seed corpus in {@code src/test/resources/fuzz}: flipped bits, bytes set to
 * boundary values, 32-bit fields set to huge or negative sizes, cuts, inserted and duplicated runs. Each try is one
 * seed file and a random seed for one to eight such mutations, so a failure replays from jqwik's reported seed.
 */
final class Mutations {
    private static final int[] SIZES = {0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
        40_000, 1_000_000_000};

    private Mutations() {
    }

    /** The named files of the corpus folder {@code fuzz/<folder>}. */
    static List<byte[]> corpus(String folder, String... names) {
        return Arrays.stream(names).map(n -> resource("/fuzz/" + folder + "/" + n)).toList();
    }

    /** Mutated copies of {@code seeds}, and now and then a seed as it is. */
    static Arbitrary<byte[]> of(List<byte[]> seeds) {
        return Combinators.combine(Arbitraries.of(seeds), Arbitraries.longs(), Arbitraries.integers().between(0, 8))
                .as((seed, random, count) -> mutate(seed, new SplittableRandom(random), count));
    }

    static byte[] mutate(byte[] seed, SplittableRandom r, int count) {
        byte[] b = seed.clone();
        for (int i = 0; i < count && b.length > 0; i++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) new int[] {0, 0xFF, 0x7F, 0x80}[r.nextInt(4)];
                case 2 -> {
                    int v = SIZES[r.nextInt(SIZES.length)];
                    boolean bigEndian = r.nextBoolean();
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        int shift = bigEndian ? 24 - 8 * k : 8 * k;
                        b[at + k] = (byte) (v >>> shift);
                    }
                }
                case 3 -> b = Arrays.copyOf(b, at);
                case 4 -> {
                    byte[] run = new byte[1 + r.nextInt(16)];
                    for (int k = 0; k < run.length; k++) {
                        run[k] = (byte) r.nextInt(256);
                    }
                    b = splice(b, at, run);
                }
                case 5 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    b = splice(b, at, Arrays.copyOfRange(b, at, at + len));
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(32));
                    byte[] rest = Arrays.copyOfRange(b, at + len, b.length);
                    b = Arrays.copyOf(b, at + rest.length);
                    System.arraycopy(rest, 0, b, at, rest.length);
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, byte[] run) {
        byte[] out = new byte[b.length + run.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(run, 0, out, at, run.length);
        System.arraycopy(b, at, out, at + run.length, b.length - at);
        return out;
    }

    private static byte[] resource(String name) {
        try (InputStream in = Mutations.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The fuzz corpus lacks " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
