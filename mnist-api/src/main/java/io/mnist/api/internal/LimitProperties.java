package io.mnist.api.internal;

/** Reads the size limits users may raise with system properties ({@code -Dmnist.model.maxLayers=N} and the like). */
public final class LimitProperties {
    private LimitProperties() {
    }

    /**
     * The positive whole number in system property {@code property} (underscores allowed, {@code 1_000}), or
     * {@code fallback} when it is unset or blank.
     *
     * @throws IllegalArgumentException if it is set to anything else, naming the property and the default
     */
    public static long read(String property, long fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.strip().replace("_", ""));
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + property + "=" + value + " is not a positive whole number;"
                + " unset it for the default " + fallback);
    }
}
