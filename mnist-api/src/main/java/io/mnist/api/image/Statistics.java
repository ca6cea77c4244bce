package io.mnist.api.image;

/** Order statistics the stages share: selection, medians, quantiles. */
final class Statistics {
    private Statistics() {
    }

    /** The median of {@code v} (the upper one of an even count); {@code v} is left as it was. */
    static float median(float[] v) {
        return quantile(v, 0.5);
    }

    /** The value below which a share {@code q} (0..1) of {@code v} lies; {@code v} is left as it was. */
    static float quantile(float[] v, double q) {
        if (v.length == 0) {
            return 0f;
        }
        double[] copy = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            copy[i] = v[i];
        }
        int k = (int) Math.min(v.length - 1, Math.max(0, Math.floor(q * v.length)));
        return (float) select(copy, v.length, k);
    }

    /**
     * The {@code k}-th smallest of the first {@code n} values (Hoare's selection, expected linear time); reorders
     * them.
     */
    static double select(double[] v, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            double pivot = v[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (v[i] < pivot) {
                    i++;
                }
                while (v[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = v[i];
                    v[i++] = v[j];
                    v[j--] = t;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                break;
            }
        }
        return v[k];
    }

    /**
     * The spread of {@code v} around {@code centre} as a standard deviation would be for normal noise: 1.4826 times
     * the median absolute deviation (Rousseeuw and Croux 1993), which ink does not inflate as long as it is the
     * minority.
     */
    static float robustSpread(float[] v, float centre) {
        float[] deviation = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            deviation[i] = Math.abs(v[i] - centre);
        }
        return 1.4826f * median(deviation);
    }
}
