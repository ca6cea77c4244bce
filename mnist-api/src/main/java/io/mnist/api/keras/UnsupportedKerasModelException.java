package io.mnist.api.keras;

/**
 * A readable Keras model uses a layer, an option or a shape that {@link io.mnist.api.NetworkSpec} cannot express
 * (a recurrent layer, {@code channels_first}, a dilated convolution, an input other than 28x28 grey, a branching
 * functional model...). The message names the layer, the option and its value.
 */
public class UnsupportedKerasModelException extends KerasImportException {
    public UnsupportedKerasModelException(String message) {
        super(message);
    }
}
