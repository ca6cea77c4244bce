package io.mnist.api;

import io.mnist.api.image.StandardPreprocessor;
import java.awt.image.BufferedImage;

/**
 * Turns an image as users have it (photo, scan, canvas export; any size) into a {@link DigitImage} in the MNIST
 * convention: white ink on black, the digit scaled into 20x20 and centred by its centre of mass in 28x28.
 */
@FunctionalInterface
public interface ImagePreprocessor {

    /**
     * Preprocesses one image holding one digit.
     *
     * @throws EmptyImageException if the image holds no ink
     * @throws IllegalArgumentException if the image has no pixels
     */
    DigitImage preprocess(BufferedImage image);

    /**
     * A preprocessor for images already in MNIST form (28x28, light digit on black): their pixels go in as they are.
     * Its {@code preprocess} throws {@link IllegalArgumentException} for an image of another size.
     */
    static ImagePreprocessor asIs() {
        return io.mnist.api.image.AsIsPreprocessor.INSTANCE;
    }

    /** The default preprocessor, as MNIST itself was made. */
    static ImagePreprocessor standard() {
        return StandardPreprocessor.INSTANCE;
    }
}
