package io.mnist.api.image;

/**
 * The paper's brightness as a smooth surface, for {@link Background}: light that falls off across the page (a lamp
 * to one side, a phone's vignette) at any scale. The median of each cell of a {@value #GRID}x{@value #GRID} grid is
 * the paper's level there, unless ink fills most of the cell; a quadratic surface in x and y is fitted to the cells
 * by least squares, leaving out, round after round, the cells far above the fit: those hold ink (a robust fit by
 * iterated trimming of outliers past 2.5 median absolute deviations). Too few cells for a fit: the border's median,
 * flat.
 */
final class IlluminationSurface {
    /** Cells per side of the grid the paper's brightness is estimated on. */
    static final int GRID = 16;
    /** A cell whose median stands this share of the strongest ink above the opening is ink. */
    static final float INK_CELL = 0.25f;

    private IlluminationSurface() {
    }

    /** The fitted surface, evaluated at every pixel of {@code p}. */
    static Plane fit(Plane p) {
        return fit(p, null);
    }

    /**
     * As {@link #fit(Plane)}, never fitting to a cell that {@code opened} (the map's opening, see
     * {@link Background}) shows to be mostly ink: a stroke wider than a cell (a bold brush) fills whole cells, whose
     * medians would otherwise lift the surface under it and hollow it out.
     */
    static Plane fit(Plane p, Plane opened) {
        int w = p.width();
        int h = p.height();
        float[] v = p.values();
        float[] o = opened == null ? null : opened.values();
        float strongest = 0;
        if (o != null) {
            for (int i = 0; i < v.length; i++) {
                strongest = Math.max(strongest, v[i] - o[i]);
            }
        }
        int gw = Math.min(GRID, w);
        int gh = Math.min(GRID, h);
        int n = gw * gh;
        double[][] terms = new double[n][];
        double[] z = new double[n];
        // One buffer for every cell: cells differ in size by at most one pixel per side.
        double[] cell = new double[(w / gw + 1) * (h / gh + 1)];
        double[] above = o == null ? null : new double[cell.length];
        boolean[] ink = new boolean[n];
        for (int cy = 0; cy < gh; cy++) {
            for (int cx = 0; cx < gw; cx++) {
                int x0 = cx * w / gw;
                int x1 = Math.max(x0 + 1, (cx + 1) * w / gw);
                int y0 = cy * h / gh;
                int y1 = Math.max(y0 + 1, (cy + 1) * h / gh);
                int k = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        if (above != null) {
                            above[k] = v[y * w + x] - o[y * w + x];
                        }
                        cell[k++] = v[y * w + x];
                    }
                }
                z[cy * gw + cx] = Statistics.select(cell, k, k / 2);
                ink[cy * gw + cx] = above != null && Statistics.select(above, k, k / 2) > INK_CELL * strongest;
                terms[cy * gw + cx] = quadratic((x0 + x1) / 2.0 / w - 0.5, (y0 + y1) / 2.0 / h - 0.5);
            }
        }
        boolean[] paper = new boolean[n];
        for (int i = 0; i < n; i++) {
            paper[i] = !ink[i];
        }
        double[] fit = null;
        for (int round = 0; round < 5; round++) {
            double[] next = leastSquares(terms, z, paper);
            if (next == null) {
                break;
            }
            fit = next;
            double[] residual = new double[n];
            for (int i = 0; i < n; i++) {
                residual[i] = z[i] - dot(fit, terms[i]);
            }
            double mid = Statistics.select(residual.clone(), n, n / 2);
            double[] deviation = new double[n];
            for (int i = 0; i < n; i++) {
                deviation[i] = Math.abs(residual[i] - mid);
            }
            double spread = Math.max(0.01, 1.4826 * Statistics.select(deviation, n, n / 2));
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                boolean isPaper = !ink[i] && residual[i] <= mid + 2.5 * spread;
                changed |= isPaper != paper[i];
                paper[i] = isPaper;
            }
            if (!changed) {
                break; // the same cells give the same fit: further rounds would change nothing
            }
        }
        if (fit == null) {
            // Too few cells for a fit: a flat surface at the border's median.
            fit = new double[] {Statistics.median(p.border()), 0, 0, 0, 0, 0};
        }
        double[] fxs = new double[w];
        for (int x = 0; x < w; x++) {
            fxs[x] = (x + 0.5) / w - 0.5;
        }
        // The surface is dot(fit, quadratic(fx, fy)); the terms that depend on x alone are computed once per column,
        // those on y alone once per row.
        float[] out = new float[w * h];
        double[] first = new double[w];
        double[] square = new double[w];
        for (int x = 0; x < w; x++) {
            first[x] = fit[0] + fit[1] * fxs[x];
            square[x] = fit[3] * (fxs[x] * fxs[x]);
        }
        for (int y = 0; y < h; y++) {
            double fy = (y + 0.5) / h - 0.5;
            double linear = fit[2] * fy;
            double squared = fit[5] * (fy * fy);
            for (int x = 0, i = y * w; x < w; x++, i++) {
                out[i] = (float) (first[x] + linear + square[x] + fit[4] * (fxs[x] * fy) + squared);
            }
        }
        return new Plane(w, h, out);
    }

    private static double[] quadratic(double x, double y) {
        return new double[] {1, x, y, x * x, x * y, y * y};
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Least-squares coefficients over the rows where {@code use} is true, or null if too few or singular. */
    private static double[] leastSquares(double[][] terms, double[] z, boolean[] use) {
        int m = terms[0].length;
        double[][] a = new double[m][m + 1];
        int rows = 0;
        for (int i = 0; i < terms.length; i++) {
            if (!use[i]) {
                continue;
            }
            rows++;
            double[] t = terms[i];
            // The normal matrix is symmetric: its upper half is summed, the lower half copied after.
            for (int r = 0; r < m; r++) {
                double[] row = a[r];
                for (int c = r; c < m; c++) {
                    row[c] += t[r] * t[c];
                }
                row[m] += t[r] * z[i];
            }
        }
        if (rows < 2 * m) {
            return null;
        }
        for (int r = 1; r < m; r++) {
            for (int c = 0; c < r; c++) {
                a[r][c] = a[c][r];
            }
        }
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            if (Math.abs(a[col][col]) < 1e-12) {
                return null;
            }
            for (int r = 0; r < m; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= m; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] out = new double[m];
        for (int r = 0; r < m; r++) {
            out[r] = a[r][m] / a[r][r];
        }
        return out;
    }
}
