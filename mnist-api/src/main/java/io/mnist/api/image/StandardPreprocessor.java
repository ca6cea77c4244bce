package io.mnist.api.image;

import io.mnist.api.DigitImage;
import io.mnist.api.ImagePreprocessor;
import java.awt.image.BufferedImage;

/**
 * The default preprocessor: reproduces how MNIST itself was made, from whatever image the user has. The ink is
 * found by {@link InkImage} (transparency, polarity, background, threshold, specks of noise dropped); the strokes
 * are then cropped, scaled into 20x20 keeping the aspect ratio, and centred by centre of mass in 28x28.
 */
public final class StandardPreprocessor implements ImagePreprocessor {
    /** The shared instance; the preprocessor holds no state. */
    public static final StandardPreprocessor INSTANCE = new StandardPreprocessor();

    private StandardPreprocessor() {
    }

    @Override
    public DigitImage preprocess(BufferedImage image) {
        return InkImage.of(image).digit();
    }
}
