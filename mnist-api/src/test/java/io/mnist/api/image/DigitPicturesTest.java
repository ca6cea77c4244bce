package io.mnist.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.DigitImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DigitPicturesTest {
    /** Every byte value 0..255 in turn, as an IDX file could hold them. */
    private static final byte[] ALL_LEVELS = new byte[DigitImage.PIXELS];

    static {
        for (int p = 0; p < ALL_LEVELS.length; p++) {
            ALL_LEVELS[p] = (byte) (p * 7 % 256);
        }
    }

    @Test
    void drawsADigitMadeFromMnistBytesAsExactlyThoseBytesLightOnBlack() {
        BufferedImage picture = DigitPictures.render(DigitImage.fromUnsignedBytes(ALL_LEVELS, 0), 28,
                DigitPictures.Ink.LIGHT);

        assertThat(picture.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(picture.getWidth()).isEqualTo(28);
        assertThat(picture.getHeight()).isEqualTo(28);
        for (int p = 0; p < DigitImage.PIXELS; p++) {
            assertThat(picture.getRaster().getSample(p % 28, p / 28, 0)).as("pixel %d", p)
                    .isEqualTo(ALL_LEVELS[p] & 0xFF);
        }
    }

    @Test
    void drawsDarkInkOnWhiteAsTheComplement() {
        BufferedImage picture = DigitPictures.render(DigitImage.fromUnsignedBytes(ALL_LEVELS, 0), 28,
                DigitPictures.Ink.DARK);

        for (int p = 0; p < DigitImage.PIXELS; p++) {
            assertThat(picture.getRaster().getSample(p % 28, p / 28, 0)).as("pixel %d", p)
                    .isEqualTo(255 - (ALL_LEVELS[p] & 0xFF));
        }
    }

    @Test
    void enlargesTheDigitKeepingWhereTheInkIs() {
        float[] square = new float[DigitImage.PIXELS];
        for (int y = 9; y < 19; y++) {
            for (int x = 9; x < 19; x++) {
                square[y * 28 + x] = 1;
            }
        }

        BufferedImage picture = DigitPictures.render(DigitImage.of(square), 112, DigitPictures.Ink.LIGHT);

        assertThat(picture.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(picture.getWidth()).isEqualTo(112);
        assertThat(picture.getHeight()).isEqualTo(112);
        assertThat(picture.getRaster().getSample(56, 56, 0)).as("inside the square").isEqualTo(255);
        assertThat(picture.getRaster().getSample(40, 70, 0)).as("inside, near its edge").isEqualTo(255);
        assertThat(picture.getRaster().getSample(30, 56, 0)).as("left of it").isZero();
        assertThat(picture.getRaster().getSample(3, 3, 0)).as("a corner").isZero();
    }

    @Test
    void writesAPngThatReadsBackPixelForPixel() throws IOException {
        BufferedImage picture = DigitPictures.render(DigitImage.fromUnsignedBytes(ALL_LEVELS, 0), 28,
                DigitPictures.Ink.LIGHT);

        byte[] png = DigitPictures.png(picture);

        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
        for (int p = 0; p < DigitImage.PIXELS; p++) {
            assertThat(read.getRaster().getSample(p % 28, p / 28, 0)).as("pixel %d", p)
                    .isEqualTo(ALL_LEVELS[p] & 0xFF);
        }
    }

    @Test
    void refusesASizeBelow28SayingWhy() {
        DigitImage digit = DigitImage.fromUnsignedBytes(ALL_LEVELS, 0);

        assertThatThrownBy(() -> DigitPictures.render(digit, 8, DigitPictures.Ink.LIGHT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("28x28").hasMessageContaining("8x8");
    }
}
