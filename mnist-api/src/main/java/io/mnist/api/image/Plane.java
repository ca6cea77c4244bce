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
        return ring(0);
    }

    /**
     * The values along the rectangle {@code depth} pixels in from the image's edge, each once: {@code ring(0)} is
     * the edge. Where the rectangle has no inside left (depth past the middle), the middle row or column.
     */
    float[] ring(int depth) {
        int x0 = Math.min(depth, (width - 1) / 2);
        int y0 = Math.min(depth, (height - 1) / 2);
        int x1 = width - 1 - x0;
        int y1 = height - 1 - y0;
        int w = x1 - x0 + 1;
        int h = y1 - y0 + 1;
        if (w <= 2 || h <= 2) {
            float[] out = new float[w * h];
            int k = 0;
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    out[k++] = values[y * width + x];
                }
            }
            return out;
        }
        float[] out = new float[2 * w + 2 * (h - 2)];
        int k = 0;
        for (int x = x0; x <= x1; x++) {
            out[k++] = values[y0 * width + x];
            out[k++] = values[y1 * width + x];
        }
        for (int y = y0 + 1; y < y1; y++) {
            out[k++] = values[y * width + x0];
            out[k++] = values[y * width + x1];
        }
        return out;
    }
}
