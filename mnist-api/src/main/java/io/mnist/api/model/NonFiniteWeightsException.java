package io.mnist.api.model;

/**
 * A model's weights hold a NaN or an infinite value, so every prediction it made would be nonsense (a NaN
 * probability reads as digit 0). Thrown when such a model file is loaded, and when such a model would be saved.
 * The message names the tensor and the index of the first bad value.
 */
public class NonFiniteWeightsException extends ModelFileException {
    private static final long serialVersionUID = 1L;

    private final String tensor;
    private final int index;

    /**
     * @param message what happened and what to do
     * @param tensor  the tensor's name in the engine-neutral layout, e.g. {@code 5.weight}
     * @param index   the index of the first non-finite value in it, row-major
     */
    public NonFiniteWeightsException(String message, String tensor, int index) {
        super(message);
        this.tensor = tensor;
        this.index = index;
    }

    /** The tensor holding the first non-finite value, e.g. {@code 5.weight} (layer 5's weights). */
    public String tensor() {
        return tensor;
    }

    /** The index of that value within its tensor, row-major. */
    public int index() {
        return index;
    }
}
