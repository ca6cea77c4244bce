package io.mnist.api.keras;

/**
 * How to import a Keras model. Immutable; start from {@link #defaults()}.
 *
 * <pre>{@code
 * KerasImportOptions options = KerasImportOptions.defaults().withInputScale(255).withBackend("djl");
 * }</pre>
 *
 * @param inputScale what the Keras model was fed: {@code 1} for pixels in [0, 1] (notebooks that divide by 255 before
 *                   the model), {@code 255} for raw 0-255 pixels; {@code null} to decide from the file: 255 if the
 *                   model starts with {@code Rescaling(1/255)} (it expects 0-255 pixels), else 1. The file itself does
 *                   not say which the notebook used, so a model trained on raw pixels without a Rescaling layer needs
 *                   255 here.
 * @param backend    the backend to build the model on, or {@code null} for the one
 *                   {@link io.mnist.api.DigitClassifiers#backend()} chooses; not used by {@link KerasModels}
 */
public record KerasImportOptions(Double inputScale, String backend) {
    /**
     * Checks the input scale.
     *
     * @throws IllegalArgumentException if {@code inputScale} is neither null, 1 nor 255, or {@code backend} is blank
     */
    public KerasImportOptions {
        if (inputScale != null && inputScale != 1 && inputScale != 255) {
            throw new IllegalArgumentException("The input scale is 1 (pixels in [0, 1]) or 255 (raw 0-255 pixels), not "
                    + inputScale);
        }
        if (backend != null && backend.isBlank()) {
            throw new IllegalArgumentException("A backend name must not be blank; use null for the default backend");
        }
    }

    /** The input scale from the file and the default backend. */
    public static KerasImportOptions defaults() {
        return new KerasImportOptions(null, null);
    }

    /**
     * These options with the Keras model's input scale set.
     *
     * @param scale 1 (pixels in [0, 1]) or 255 (raw 0-255 pixels)
     * @return a copy
     * @throws IllegalArgumentException if {@code scale} is neither 1 nor 255
     */
    public KerasImportOptions withInputScale(double scale) {
        return new KerasImportOptions(scale, backend);
    }

    /**
     * These options with the backend named.
     *
     * @param name a backend's name, e.g. {@code djl}
     * @return a copy
     */
    public KerasImportOptions withBackend(String name) {
        return new KerasImportOptions(inputScale, name);
    }
}
