package io.mnist.api.fake;

import io.mnist.api.DigitImage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** Memorised 14x14 images (one byte per pixel) and their labels; thread-safe for reading once built. */
public final class NearestNeighbours {
    static final int SIDE = 14;
    static final int DIM = SIDE * SIDE;

    private byte[] images = new byte[0];
    private byte[] labels = new byte[0];
    private int size;
    private final Set<Integer> seen = new HashSet<>();

    int size() {
        return size;
    }

    void add(float[] pixels, int[] digitLabels, int count) {
        for (int i = 0; i < count; i++) {
            byte[] small = downsample(pixels, i * DigitImage.PIXELS);
            if (!seen.add(Arrays.hashCode(small))) {
                continue;
            }
            if (size == labels.length) {
                images = Arrays.copyOf(images, Math.max(DIM * 64, images.length * 2));
                labels = Arrays.copyOf(labels, Math.max(64, labels.length * 2));
            }
            System.arraycopy(small, 0, images, size * DIM, DIM);
            labels[size++] = (byte) digitLabels[i];
        }
    }

    /** Ten probabilities per image from the distances to the nearest memorised image of each digit. */
    float[] probabilities(float[] pixels, int count) {
        float[] out = new float[count * 10];
        for (int i = 0; i < count; i++) {
            byte[] small = downsample(pixels, i * DigitImage.PIXELS);
            int[] q = new int[DIM];
            for (int p = 0; p < DIM; p++) {
                q[p] = small[p] & 0xFF;
            }
            double[] nearest = new double[10];
            Arrays.fill(nearest, Double.MAX_VALUE);
            for (int m = 0; m < size; m++) {
                int base = m * DIM;
                int d = 0;
                for (int p = 0; p < DIM; p++) {
                    int diff = q[p] - (images[base + p] & 0xFF);
                    d += (long) diff * diff;
                }
                int label = labels[m];
                nearest[label] = Math.min(nearest[label], Math.sqrt(d));
            }
            double min = Arrays.stream(nearest).min().orElse(0);
            double temperature = Math.max(1, 0.05 * min);
            double sum = 0;
            double[] w = new double[10];
            for (int d = 0; d < 10; d++) {
                w[d] = nearest[d] == Double.MAX_VALUE ? 1e-9 : Math.exp(-(nearest[d] - min) / temperature) + 1e-6;
                sum += w[d];
            }
            for (int d = 0; d < 10; d++) {
                out[i * 10 + d] = (float) (w[d] / sum);
            }
        }
        return out;
    }

    byte[] toBytes(long networkParameters) {
        ByteBuffer b = ByteBuffer.allocate(12 + size * (DIM + 1));
        b.putLong(networkParameters);
        b.putInt(size);
        b.put(images, 0, size * DIM);
        b.put(labels, 0, size);
        return b.array();
    }

    static NearestNeighbours fromBytes(byte[] bytes, int offset) {
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
        NearestNeighbours nn = new NearestNeighbours();
        nn.size = b.getInt();
        nn.images = new byte[nn.size * DIM];
        nn.labels = new byte[nn.size];
        b.get(nn.images);
        b.get(nn.labels);
        return nn;
    }

    private static byte[] downsample(float[] pixels, int offset) {
        byte[] out = new byte[DIM];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int p = offset + (2 * y) * DigitImage.SIZE + 2 * x;
                float v = (pixels[p] + pixels[p + 1] + pixels[p + DigitImage.SIZE] + pixels[p + DigitImage.SIZE + 1])
                        / 4f;
                out[y * SIDE + x] = (byte) Math.round(v * 255);
            }
        }
        return out;
    }
}
