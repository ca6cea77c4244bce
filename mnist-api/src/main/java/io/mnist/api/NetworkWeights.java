package io.mnist.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A network's parameters in the engine-neutral layout that {@link NetworkSpec} defines: for each layer with
 * parameters, in order, its tensors. Conv2D: {@code i.weight [kernelHeight][kernelWidth][in][filters]} then
 * {@code i.bias [filters]}; Dense: {@code i.weight [inputs][units]} then {@code i.bias [units]}; BatchNorm:
 * {@code i.gamma}, {@code i.beta}, {@code i.movingMean}, {@code i.movingVariance}, each {@code [channels]} (Keras'
 * order); {@code i} is the layer's index in the spec. The flatten before the first dense layer is channels-last.
 *
 * <p>Backends convert to and from their engine's layout explicitly, so weights move between engines and every
 * backend starts training from the same initial values for the same seed.
 *
 * @param network the network these weights belong to
 * @param tensors weights and biases, in layer order
 */
public record NetworkWeights(NetworkSpec network, List<Tensor> tensors) {

    public NetworkWeights {
        Objects.requireNonNull(network, "network");
        tensors = List.copyOf(tensors);
        List<Tensor> expected = shapes(network);
        if (expected.size() != tensors.size()) {
            throw new IllegalArgumentException("The network has " + expected.size() + " parameter tensors, got "
                    + tensors.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            Tensor e = expected.get(i);
            Tensor t = tensors.get(i);
            if (!Arrays.equals(e.shape(), t.shape()) || !e.name().equals(t.name())) {
                throw new IllegalArgumentException("Tensor " + i + " should be " + e.name() + " "
                        + Arrays.toString(e.shape()) + ", got " + t.name() + " " + Arrays.toString(t.shape()));
            }
        }
    }

    /**
     * One named parameter tensor, row-major.
     *
     * @param name   {@code layerIndex.weight} or {@code layerIndex.bias}
     * @param shape  its dimensions
     * @param values {@code product(shape)} values
     */
    public record Tensor(String name, int[] shape, float[] values) {
        public Tensor {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            if (values.length != n) {
                throw new IllegalArgumentException(name + " has shape " + Arrays.toString(shape) + " (" + n
                        + " values) but holds " + values.length);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && t.name.equals(name) && Arrays.equals(t.shape, shape)
                    && Arrays.equals(t.values, values);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Tensor[" + name + " " + Arrays.toString(shape) + "]";
        }
    }

    /** A batch normalisation's tensors, in order, as the part of their names after the layer index. */
    public static final List<String> BATCH_NORM_PARTS = List.of("gamma", "beta", "movingMean", "movingVariance");

    /** The tensors {@code network} has, with zero values: names and shapes in order. */
    public static List<Tensor> shapes(NetworkSpec network) {
        List<Tensor> out = new ArrayList<>();
        int[] shape = {NetworkSpec.INPUT_SIZE, NetworkSpec.INPUT_SIZE, 1};
        List<NetworkSpec.Layer> layers = network.layers();
        for (int i = 0; i < layers.size(); i++) {
            NetworkSpec.Layer layer = layers.get(i);
            if (layer instanceof NetworkSpec.Conv2D c) {
                out.add(zeros(i + ".weight", c.kernelHeight(), c.kernelWidth(), shape[2], c.filters()));
                out.add(zeros(i + ".bias", c.filters()));
            } else if (layer instanceof NetworkSpec.BatchNorm) {
                int channels = shape[shape.length - 1];
                for (String part : BATCH_NORM_PARTS) {
                    out.add(zeros(i + "." + part, channels));
                }
            } else if (layer instanceof NetworkSpec.Dense d) {
                out.add(zeros(i + ".weight", shape[0], d.units()));
                out.add(zeros(i + ".bias", d.units()));
            }
            shape = layer.outputShape(shape);
        }
        return out;
    }

    /**
     * Initial weights as {@code network.initializer()} prescribes, drawn from {@code seed}; biases, batch
     * normalisation offsets and moving means are zero, its scales and moving variances one. The same spec and seed
     * give the same values on every backend.
     */
    public static NetworkWeights initial(NetworkSpec network, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : shapes(network)) {
            if (t.name().endsWith(".gamma") || t.name().endsWith(".movingVariance")) {
                float[] ones = new float[t.values().length];
                Arrays.fill(ones, 1f);
                out.add(new Tensor(t.name(), t.shape(), ones));
                continue;
            }
            if (!t.name().endsWith(".weight")) {
                out.add(t);
                continue;
            }
            int[] s = t.shape();
            int receptive = s.length == 4 ? s[0] * s[1] : 1;
            int fanIn = receptive * s[s.length - 2];
            int fanOut = receptive * s[s.length - 1];
            float[] v = new float[t.values().length];
            switch (network.initializer()) {
                case GLOROT_UNIFORM -> {
                    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
                    }
                }
                case HE_NORMAL -> {
                    double std = Math.sqrt(2.0 / fanIn);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (gaussian(random) * std);
                    }
                }
                default -> throw new IllegalStateException("Unknown initializer " + network.initializer());
            }
            out.add(new Tensor(t.name(), s, v));
        }
        return new NetworkWeights(network, out);
    }

    /** The number of values over all tensors. */
    public long parameterCount() {
        return tensors.stream().mapToLong(t -> t.values().length).sum();
    }

    private static Tensor zeros(String name, int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("Tensor " + name + " " + Arrays.toString(shape)
                        + " has more values than one Java array holds; the network is too large");
            }
        }
        return new Tensor(name, shape, new float[(int) n]);
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
