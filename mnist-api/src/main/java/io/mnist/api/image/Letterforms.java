package io.mnist.api.image;

import io.mnist.api.DigitImage;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws another letterform onto an MNIST digit, in the digit's own pen width: a flag from the top of a 1 down to
 * the left (continental 1), sometimes with a foot; a flat bar to the right of the top of a 6; a bar across the
 * middle of a 7. These are the shapes of issue 15's kind 7 that people write and MNIST's writers seldom did.
 * Images are 28x28, row-major, 0 paper to 1 ink.
 */
final class Letterforms {
    private static final int N = DigitImage.SIZE;
    private static final float INK = 0.5f;

    private Letterforms() {
    }

    /** True if {@code label} has another letterform here. */
    static boolean applies(int label) {
        return label == 1 || label == 6 || label == 7;
    }

    /** Draws the other letterform of {@code label} onto {@code pixels[offset..offset+784)}. */
    static void draw(float[] pixels, int offset, int label, SplittableRandom random) {
        int top = N;
        int bottom = -1;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                if (pixels[offset + y * N + x] > INK) {
                    top = Math.min(top, y);
                    bottom = y;
                }
            }
        }
        int height = bottom - top + 1;
        if (bottom < 0 || height < 10) {
            return;
        }
        double pen = penWidth(pixels, offset);
        switch (label) {
            case 1 -> {
                double x = meanInkX(pixels, offset, top, top + 1);
                // Steeper than a 7's top bar, which runs level or gently down to the left: 40-65 degrees.
                double angle = Math.toRadians(40 + 25 * random.nextDouble());
                double length = height * (0.25 + 0.2 * random.nextDouble());
                line(pixels, offset, x, top, x - length * Math.cos(angle), top + length * Math.sin(angle), pen);
                if (random.nextDouble() < 0.3) {
                    double foot = meanInkX(pixels, offset, bottom - 1, bottom);
                    double half = height * (0.15 + 0.15 * random.nextDouble());
                    line(pixels, offset, foot - half, bottom, foot + half, bottom, pen);
                }
            }
            case 6 -> {
                double x = meanInkX(pixels, offset, top, top + 1);
                double length = height * (0.25 + 0.2 * random.nextDouble());
                double rise = (random.nextDouble() - 0.5) * 3;
                line(pixels, offset, x, top, x + length, top + rise, pen);
            }
            case 7 -> {
                int y = top + (int) Math.round(height * (0.45 + 0.15 * random.nextDouble()));
                double x = meanInkX(pixels, offset, y, y);
                if (Double.isNaN(x)) {
                    return;
                }
                double half = height * (0.18 + 0.12 * random.nextDouble());
                double tilt = (random.nextDouble() - 0.5) * 2;
                line(pixels, offset, x - half, y + tilt, x + half, y - tilt, pen);
            }
            default -> throw new IllegalArgumentException("No other letterform for " + label);
        }
    }

    /** The mean column of the ink in rows {@code from..to}; NaN if there is none. */
    private static double meanInkX(float[] pixels, int offset, int from, int to) {
        double sum = 0;
        int count = 0;
        for (int y = Math.max(0, from); y <= Math.min(N - 1, to); y++) {
            for (int x = 0; x < N; x++) {
                if (pixels[offset + y * N + x] > INK) {
                    sum += x;
                    count++;
                }
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The pen's width in pixels: the shorter of the median horizontal and vertical ink runs, 1.5 to 4. */
    private static double penWidth(float[] pixels, int offset) {
        return Math.max(1.5, Math.min(4, Math.min(medianRun(pixels, offset, true),
                medianRun(pixels, offset, false))));
    }

    private static double medianRun(float[] pixels, int offset, boolean rows) {
        int[] runs = new int[N * N];
        int count = 0;
        for (int a = 0; a < N; a++) {
            int run = 0;
            for (int b = 0; b <= N; b++) {
                boolean ink = b < N && pixels[offset + (rows ? a * N + b : b * N + a)] > INK;
                if (ink) {
                    run++;
                } else if (run > 0) {
                    runs[count++] = run;
                    run = 0;
                }
            }
        }
        if (count == 0) {
            return 2;
        }
        int[] sorted = Arrays.copyOf(runs, count);
        Arrays.sort(sorted);
        return sorted[count / 2];
    }

    /** An anti-aliased line of {@code width} pixels from (x0, y0) to (x1, y1), kept where the ink is darker. */
    private static void line(float[] pixels, int offset, double x0, double y0, double x1, double y1, double width) {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double length2 = Math.max(1e-9, dx * dx + dy * dy);
        int reach = (int) Math.ceil(width / 2 + 1);
        int fromX = Math.max(0, (int) Math.floor(Math.min(x0, x1)) - reach);
        int toX = Math.min(N - 1, (int) Math.ceil(Math.max(x0, x1)) + reach);
        int fromY = Math.max(0, (int) Math.floor(Math.min(y0, y1)) - reach);
        int toY = Math.min(N - 1, (int) Math.ceil(Math.max(y0, y1)) + reach);
        for (int y = fromY; y <= toY; y++) {
            for (int x = fromX; x <= toX; x++) {
                double t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / length2));
                double distance = Math.hypot(x - x0 - t * dx, y - y0 - t * dy);
                float v = (float) Math.max(0, Math.min(1, width / 2 + 0.5 - distance));
                int i = offset + y * N + x;
                pixels[i] = Math.max(pixels[i], v);
            }
        }
    }
}
