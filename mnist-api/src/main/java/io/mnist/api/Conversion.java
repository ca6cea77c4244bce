package io.mnist.api;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a converted model's weights were trained: the backend and engine they came from, what was measured on both
 * sides when the conversion was checked, and the conversion before that, if the weights moved more than once.
 *
 * @param backend        the backend the weights came from, e.g. {@code djl}
 * @param backendVersion that backend's engine version, as it reported it
 * @param check          the comparison made when converting, or {@code null} if none was recorded
 * @param earlier        the previous conversion of the same weights, or {@code null}
 */
public record Conversion(String backend, String backendVersion, Check check, Conversion earlier) {
    /**
     * Checks that the source is named.
     *
     * @throws NullPointerException if {@code backend} or {@code backendVersion} is null
     */
    public Conversion {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(backendVersion, "backendVersion");
    }

    /**
     * What was measured on the same test images before and after a conversion.
     *
     * @param images                      number of test images compared
     * @param sourceAccuracy              the original model's accuracy on them
     * @param accuracy                    the converted model's accuracy on them
     * @param largestProbabilityDifference the largest difference between the two models' probabilities
     */
    public record Check(int images, double sourceAccuracy, double accuracy, double largestProbabilityDifference) {
    }

    /** As a sentence: {@code djl (DJL x / PyTorch y); test accuracy a there, b here; ...; before that ...}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(backend).append(" (").append(backendVersion).append(')');
        if (check != null) {
            s.append(String.format(Locale.ROOT, "; test accuracy %.4f there, %.4f here; largest probability"
                    + " difference on the %d test images %.2e", check.sourceAccuracy(), check.accuracy(),
                    check.images(), check.largestProbabilityDifference()));
        }
        if (earlier != null) {
            s.append("; before that ").append(earlier);
        }
        return s.toString();
    }
}
