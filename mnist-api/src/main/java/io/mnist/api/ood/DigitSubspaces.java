package io.mnist.api.ood;

import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistDataset;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * What the images of each digit look like in pixel space: per digit, the mean image and its first principal
 * components (an affine subspace of the 784 pixels). {@link #residual} is how far an image lies from a digit's
 * subspace: the reconstruction error of principal component analysis, as in class-conditional PCA
 * ("subspace") classifiers and reconstruction-based novelty detection (Bishop, <i>Pattern Recognition and Machine
 * Learning</i>, 2006, section 12.1; Pimentel et al., "A review of novelty detection", Signal Processing 99, 2014).
 *
 * <p>Immutable and thread-safe. Pixels are those of {@link DigitImage}: 28x28 in [0, 1], white digit on black.
 */
public final class DigitSubspaces {
    /** Digits modelled: 0-9. */
    public static final int DIGITS = 10;
    private static final int P = DigitImage.PIXELS;

    private final int components;
    /** Per digit: 784 mean pixel values. */
    private final float[][] means;
    /** Per digit: {@code components} orthonormal rows of 784 values, most variance first (zero rows if fewer). */
    private final float[][] bases;

    DigitSubspaces(int components, float[][] means, float[][] bases) {
        if (components < 0 || components > P) {
            throw new IllegalArgumentException("components must be in [0, " + P + "], not " + components);
        }
        if (means.length != DIGITS || bases.length != DIGITS) {
            throw new IllegalArgumentException("One mean and one basis per digit are needed");
        }
        for (int d = 0; d < DIGITS; d++) {
            if (means[d].length != P || bases[d].length != components * P) {
                throw new IllegalArgumentException("Digit " + d + " has " + means[d].length + " mean values and "
                        + bases[d].length + " basis values; " + P + " and " + components * P + " are needed");
            }
        }
        this.components = components;
        this.means = means;
        this.bases = bases;
    }

    /**
     * Fits each digit's mean and first {@code components} principal components to {@code images}, by a symmetric
     * eigen-decomposition (EJML) of the digit's pixel covariance matrix (or, with fewer images than pixels, of their
     * Gram matrix, which has the same leading eigenvectors). A digit with fewer images than {@code components} + 1
     * gets as many components as its images span; the rest are zero.
     *
     * @param images     labelled digits, pixels as {@link MnistDataset#copyPixels} gives them
     * @param components principal components per digit, 0..784
     * @return the fitted subspaces
     * @throws IllegalArgumentException if {@code components} is out of range or a digit has fewer than two images
     */
    public static DigitSubspaces fit(MnistDataset images, int components) {
        if (components < 0 || components > P) {
            throw new IllegalArgumentException("components must be in [0, " + P + "], not " + components);
        }
        int[] counts = new int[DIGITS];
        for (int i = 0; i < images.size(); i++) {
            counts[images.label(i)]++;
        }
        for (int d = 0; d < DIGITS; d++) {
            if (counts[d] < 2) {
                throw new IllegalArgumentException(images + " has " + counts[d] + " images of the digit " + d
                        + "; at least 2 of each digit are needed to fit its subspace");
            }
        }
        float[][] means = new float[DIGITS][];
        float[][] bases = new float[DIGITS][];
        IntStream.range(0, DIGITS).parallel().forEach(d -> {
            DMatrixRMaj x = centred(images, d, counts[d], means);
            bases[d] = principalComponents(x, components);
        });
        return new DigitSubspaces(components, means, bases);
    }

    /** The images of digit {@code d}, one per row, minus their mean (stored in {@code means[d]}). */
    private static DMatrixRMaj centred(MnistDataset images, int d, int count, float[][] means) {
        DMatrixRMaj x = new DMatrixRMaj(count, P);
        float[] pixels = new float[P];
        double[] mean = new double[P];
        int row = 0;
        for (int i = 0; i < images.size(); i++) {
            if (images.label(i) == d) {
                images.copyPixels(i, pixels, 0);
                for (int p = 0; p < P; p++) {
                    x.data[row * P + p] = pixels[p];
                    mean[p] += pixels[p];
                }
                row++;
            }
        }
        float[] m = new float[P];
        for (int p = 0; p < P; p++) {
            mean[p] /= count;
            m[p] = (float) mean[p];
        }
        for (int r = 0; r < count; r++) {
            for (int p = 0; p < P; p++) {
                x.data[r * P + p] -= mean[p];
            }
        }
        means[d] = m;
        return x;
    }

    /** The first {@code k} principal directions of the rows of the centred {@code x}, as {@code k} rows of 784. */
    private static float[] principalComponents(DMatrixRMaj x, int k) {
        int n = x.numRows;
        boolean gram = n < P;
        DMatrixRMaj scatter = new DMatrixRMaj(gram ? n : P, gram ? n : P);
        if (gram) {
            CommonOps_DDRM.multTransB(x, x, scatter);
        } else {
            CommonOps_DDRM.multTransA(x, x, scatter);
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(scatter.numRows, true, true);
        if (!eig.decompose(scatter)) {
            throw new IllegalStateException("The eigen-decomposition of a " + scatter.numRows + "x"
                    + scatter.numRows + " scatter matrix did not converge");
        }
        Integer[] order = new Integer[eig.getNumberOfEigenvalues()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(eig.getEigenvalue(b).real, eig.getEigenvalue(a).real));
        double largest = order.length == 0 ? 0 : Math.max(0, eig.getEigenvalue(order[0]).real);
        float[] basis = new float[k * P];
        DMatrixRMaj direction = new DMatrixRMaj(P, 1);
        for (int c = 0; c < Math.min(k, order.length); c++) {
            double lambda = eig.getEigenvalue(order[c]).real;
            // Directions of (numerically) no variance are left at zero: the images do not span them.
            if (!(lambda > 1e-9 * largest) || largest == 0) {
                break;
            }
            DMatrixRMaj v = eig.getEigenVector(order[c]);
            if (gram) {
                CommonOps_DDRM.multTransA(x, v, direction);
            } else {
                direction.setTo(v);
            }
            double norm = Math.sqrt(CommonOps_DDRM.dot(direction, direction));
            for (int p = 0; p < P; p++) {
                basis[c * P + p] = (float) (direction.data[p] / norm);
            }
        }
        return basis;
    }

    /** Principal components per digit. */
    public int components() {
        return components;
    }

    /**
     * The Euclidean distance, in pixel units (pixels in [0, 1]), from an image to the affine subspace of
     * {@code digit}: the norm of what is left of the image minus the digit's mean after projecting out its principal
     * components. 0 for the mean itself; at most 28 (every pixel 1 away).
     *
     * @param pixels 784 values in [0, 1] from {@code offset}
     * @param offset where the image starts in {@code pixels}
     * @param digit  0..9
     * @return the residual distance, at least 0
     * @throws IndexOutOfBoundsException if {@code digit} is not 0..9 or {@code pixels} is too short
     */
    public double residual(float[] pixels, int offset, int digit) {
        java.util.Objects.checkIndex(digit, DIGITS);
        java.util.Objects.checkFromIndexSize(offset, P, pixels.length);
        float[] m = means[digit];
        float[] b = bases[digit];
        double[] diff = new double[P];
        double total = 0;
        for (int p = 0; p < P; p++) {
            diff[p] = pixels[offset + p] - m[p];
            total += diff[p] * diff[p];
        }
        double projected = 0;
        for (int c = 0; c < components; c++) {
            double dot = 0;
            int base = c * P;
            for (int p = 0; p < P; p++) {
                dot += b[base + p] * diff[p];
            }
            projected += dot * dot;
        }
        return Math.sqrt(Math.max(0, total - projected));
    }

    float[] mean(int digit) {
        return means[digit];
    }

    float[] basis(int digit) {
        return bases[digit];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DigitSubspaces s && s.components == components && Arrays.deepEquals(s.means, means)
                && Arrays.deepEquals(s.bases, bases);
    }

    @Override
    public int hashCode() {
        return 31 * components + Arrays.deepHashCode(means);
    }

    @Override
    public String toString() {
        return "DigitSubspaces[" + components + " components per digit]";
    }
}
