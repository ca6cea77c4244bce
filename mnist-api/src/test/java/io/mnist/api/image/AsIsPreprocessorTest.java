package io.mnist.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.DigitImage;
import io.mnist.api.ImagePreprocessor;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Images already in MNIST form go in as they are: no inversion, threshold, crop or centring. */
class AsIsPreprocessorTest {
    @Test
    void keepsEveryGreyLevelWhereItIs() {
        BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 255);
        grey.getRaster().setSample(27, 3, 0, 64);
        DigitImage image = ImagePreprocessor.asIs().preprocess(grey);
        assertThat(image.pixel(0, 0)).as("a light pixel in a corner stays there, uncentred").isEqualTo(1f);
        assertThat(image.pixel(27, 3)).as("64 of 255, not brightened by a linear grey colour space")
                .isEqualTo(64 / 255f);
        float sum = 0;
        for (float p : image.pixels()) {
            sum += p;
        }
        assertThat(sum).as("nothing else has ink").isEqualTo(1f + 64 / 255f);
    }

    @Test
    void takesTransparentPixelsAsTheBlackBackground() {
        BufferedImage canvas = new BufferedImage(28, 28, BufferedImage.TYPE_INT_ARGB);
        canvas.setRGB(5, 5, 0x00FFFFFF);
        canvas.setRGB(6, 5, 0xFFFFFFFF);
        DigitImage image = ImagePreprocessor.asIs().preprocess(canvas);
        assertThat(image.pixel(5, 5)).as("transparent white").isZero();
        assertThat(image.pixel(6, 5)).as("opaque white").isEqualTo(1f);
    }

    @Test
    void refusesAnImageOfAnotherSize() {
        assertThatThrownBy(() -> ImagePreprocessor.asIs().preprocess(new BufferedImage(56, 28,
                BufferedImage.TYPE_BYTE_GRAY))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the image is 56x28 pixels; an image in MNIST form is 28x28");
    }

    @Test
    void refusesAnImageWithNoDigitInIt() {
        assertThatThrownBy(() -> ImagePreprocessor.asIs().preprocess(new BufferedImage(28, 28,
                BufferedImage.TYPE_BYTE_GRAY))).isInstanceOf(io.mnist.api.EmptyImageException.class)
                .hasMessageContaining("black all over");
    }
}
