package io.mnist.api.contract;

import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import java.util.List;

/**
 * A plain, slow forward pass of a {@link NetworkSpec} in double precision, written straight from the definitions in
 * {@code NetworkSpec} (Keras' channels-last layout, TensorFlow's padding rules). It is the oracle the contract kit
 * holds every engine to: a backend that builds a spec differently (a wrong padding side, a transposed kernel, a
 * flatten in the wrong order, batch statistics at inference) disagrees with it by far more than float rounding.
 */
public final class ReferenceNetwork {
    private final NetworkWeights weights;

    /**
     * @param weights the network and its parameters
     */
    public ReferenceNetwork(NetworkWeights weights) {
        this.weights = weights;
    }

    /**
     * The class probabilities for one image.
     *
     * @param pixels 784 values in [0, 1], row-major (the input scale is applied here)
     * @return {@code classes} probabilities
     */
    public double[] probabilities(float[] pixels) {
        NetworkSpec spec = weights.network();
        List<NetworkSpec.Layer> layers = spec.layers();
        List<int[]> shapes = spec.inputShapes();
        double[] x = new double[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = pixels[i] * spec.inputScale();
        }
        for (int i = 0; i < layers.size(); i++) {
            NetworkSpec.Layer layer = layers.get(i);
            int[] in = shapes.get(i);
            if (layer instanceof NetworkSpec.Conv2D c) {
                x = conv(x, in, c, tensor(i, "weight"), tensor(i, "bias"));
            } else if (layer instanceof NetworkSpec.MaxPool p) {
                x = pool(x, in, p.poolHeight(), p.poolWidth(), p.strideHeight(), p.strideWidth(), p.padding(), true);
            } else if (layer instanceof NetworkSpec.AveragePool p) {
                x = pool(x, in, p.poolHeight(), p.poolWidth(), p.strideHeight(), p.strideWidth(), p.padding(), false);
            } else if (layer instanceof NetworkSpec.BatchNorm b) {
                x = batchNorm(x, in[in.length - 1], b.epsilon(), tensor(i, "gamma"), tensor(i, "beta"),
                        tensor(i, "movingMean"), tensor(i, "movingVariance"));
            } else if (layer instanceof NetworkSpec.Dense d) {
                x = dense(x, d.units(), tensor(i, "weight"), tensor(i, "bias"));
            }
            x = activate(x, layer.activation());
        }
        return x;
    }

    private float[] tensor(int layer, String part) {
        String name = layer + "." + part;
        for (NetworkWeights.Tensor t : weights.tensors()) {
            if (t.name().equals(name)) {
                return t.values();
            }
        }
        throw new IllegalArgumentException("No tensor " + name);
    }

    private static double[] conv(double[] x, int[] in, NetworkSpec.Conv2D c, float[] w, float[] bias) {
        int h = in[0];
        int wd = in[1];
        int ch = in[2];
        int kh = c.kernelHeight();
        int kw = c.kernelWidth();
        int oh = c.padding().outputSize(h, kh, c.strideHeight());
        int ow = c.padding().outputSize(wd, kw, c.strideWidth());
        int top = c.padding().padBefore(h, kh, c.strideHeight());
        int left = c.padding().padBefore(wd, kw, c.strideWidth());
        int f = c.filters();
        double[] out = new double[oh * ow * f];
        for (int r = 0; r < oh; r++) {
            for (int col = 0; col < ow; col++) {
                for (int o = 0; o < f; o++) {
                    double sum = bias[o];
                    for (int i = 0; i < kh; i++) {
                        int y = r * c.strideHeight() + i - top;
                        if (y < 0 || y >= h) {
                            continue;
                        }
                        for (int j = 0; j < kw; j++) {
                            int xx = col * c.strideWidth() + j - left;
                            if (xx < 0 || xx >= wd) {
                                continue;
                            }
                            for (int k = 0; k < ch; k++) {
                                sum += x[(y * wd + xx) * ch + k] * w[((i * kw + j) * ch + k) * f + o];
                            }
                        }
                    }
                    out[(r * ow + col) * f + o] = sum;
                }
            }
        }
        return out;
    }

    private static double[] pool(double[] x, int[] in, int ph, int pw, int sh, int sw, NetworkSpec.Padding padding,
                                 boolean max) {
        int h = in[0];
        int wd = in[1];
        int ch = in[2];
        int oh = padding.outputSize(h, ph, sh);
        int ow = padding.outputSize(wd, pw, sw);
        int top = padding.padBefore(h, ph, sh);
        int left = padding.padBefore(wd, pw, sw);
        double[] out = new double[oh * ow * ch];
        for (int r = 0; r < oh; r++) {
            for (int col = 0; col < ow; col++) {
                for (int k = 0; k < ch; k++) {
                    double best = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    int n = 0;
                    for (int i = 0; i < ph; i++) {
                        int y = r * sh + i - top;
                        for (int j = 0; j < pw; j++) {
                            int xx = col * sw + j - left;
                            if (y < 0 || y >= h || xx < 0 || xx >= wd) {
                                continue;
                            }
                            double v = x[(y * wd + xx) * ch + k];
                            best = Math.max(best, v);
                            sum += v;
                            n++;
                        }
                    }
                    out[(r * ow + col) * ch + k] = max ? best : sum / n;
                }
            }
        }
        return out;
    }

    private static double[] batchNorm(double[] x, int channels, double epsilon, float[] gamma, float[] beta,
                                      float[] mean, float[] variance) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = i % channels;
            out[i] = gamma[c] * (x[i] - mean[c]) / Math.sqrt(variance[c] + epsilon) + beta[c];
        }
        return out;
    }

    private static double[] dense(double[] x, int units, float[] w, float[] bias) {
        double[] out = new double[units];
        for (int u = 0; u < units; u++) {
            double sum = bias[u];
            for (int i = 0; i < x.length; i++) {
                sum += x[i] * w[i * units + u];
            }
            out[u] = sum;
        }
        return out;
    }

    private static double[] activate(double[] x, NetworkSpec.Activation activation) {
        double[] out = x.clone();
        switch (activation) {
            case RELU -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.max(0, out[i]);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = 1 / (1 + Math.exp(-out[i]));
                }
            }
            case TANH -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.tanh(out[i]);
                }
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : out) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.exp(out[i] - max);
                    sum += out[i];
                }
                for (int i = 0; i < out.length; i++) {
                    out[i] /= sum;
                }
            }
            case IDENTITY -> { }
            default -> throw new IllegalArgumentException("Unknown activation " + activation);
        }
        return out;
    }
}
