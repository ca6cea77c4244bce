package io.mnist.api.image;

import io.mnist.api.DigitImage;
import io.mnist.api.ImagePreprocessor;
import java.awt.image.BufferedImage;

/**
 * Takes an image that is already in MNIST form - 28x28, a light digit on black, framed as MNIST frames it - as it
 * is: each pixel's luminance (Rec. 601, 0 black to 1 white) becomes the input, with no polarity decision, threshold,
 * crop or centring. For images made for a model (MNIST test digits saved as PNG, a Keras notebook's own inputs) and
 * for checking an imported model against its notebook. A transparent pixel counts as black, the background of
 * MNIST form. {@link ImagePreprocessor#asIs()} returns the one instance.
 */
public final class AsIsPreprocessor implements ImagePreprocessor {
    /** The one instance. */
    public static final AsIsPreprocessor INSTANCE = new AsIsPreprocessor();

    private AsIsPreprocessor() {
    }

    /**
     * The image's pixels as they are.
     *
     * @throws IllegalArgumentException if the image is not 28x28 pixels
     */
    @Override
    public DigitImage preprocess(BufferedImage image) {
        if (image.getWidth() != DigitImage.SIZE || image.getHeight() != DigitImage.SIZE) {
            throw new IllegalArgumentException("the image is " + image.getWidth() + "x" + image.getHeight()
                    + " pixels; an image in MNIST form is 28x28 (a light digit on black). Leave out --raw (or use the"
                    + " standard preprocessor) for any other image");
        }
        RasterReader.Channels channels = RasterReader.read(image);
        float[] pixels = channels.luminance().values().clone();
        if (channels.alpha() != null) {
            float[] alpha = channels.alpha().values();
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] *= alpha[i];
            }
        }
        float max = 0;
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.min(1f, Math.max(0f, pixels[i]));
            max = Math.max(max, pixels[i]);
        }
        if (max < Threshold.MIN_CONTRAST) {
            throw new io.mnist.api.EmptyImageException("The 28x28 image is black all over: an image in MNIST form has a"
                    + " light digit on black. Send one with the digit in it (or leave out --raw for a dark digit on"
                    + " light paper).");
        }
        return DigitImage.of(pixels);
    }
}
