package io.mnist.api.image;

/**
 * One channel of an image as floats, row-major: what the preprocessing stages pass to each other.
 *
 * @param width  columns, at least 1
 * @param height rows, at least 1
 * @param values {@code width * height} values, not copied (stages own what they are given)
 */
record Plane(int width, int height, float[] values) {
    Plane {
        if (width < 1 || height < 1 || values.length != width * height) {
            throw new IllegalArgumentException("A plane of " + width + "x" + height + " cannot hold " + values.length
                    + " values");
        }
    }

    /** A plane of zeros. */
    static Plane zeros(int width, int height) {
        return new Plane(width, height, new float[width * height]);
    }

    float at(int x, int y) {
        return values[y * width + x];
    }

    /** The values along the image's edge, each once. */
    float[] border() {
        int w = width;
        int h = height;
        if (w <= 2 || h <= 2) {
            return values.clone();
        }
        float[] out = new float[2 * w + 2 * (h - 2)];
        int k = 0;
        for (int x = 0; x < w; x++) {
            out[k++] = values[x];
            out[k++] = values[(h - 1) * w + x];
        }
        for (int y = 1; y < h - 1; y++) {
            out[k++] = values[y * w];
            out[k++] = values[y * w + w - 1];
        }
        return out;
    }
}
