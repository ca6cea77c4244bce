package io.mnist.api.image;

import io.mnist.api.DigitImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * MNIST digits as pictures: the way back from a {@link DigitImage} to an image file, for test sets written as PNG
 * files, for showing what a model saw, and for tests that feed digits through the whole image path.
 *
 * <pre>{@code
 * MnistDataset test = MnistData.test();
 * byte[] file = DigitPictures.png(DigitPictures.render(test.image(0), 28, DigitPictures.Ink.LIGHT));
 * // the bytes MNIST stores for image 0, as an 8-bit grey PNG: ImageIO.read gives them back exactly
 * }</pre>
 */
public final class DigitPictures {
    /** How the ink is drawn. */
    public enum Ink {
        /** Light ink on black, as MNIST stores its digits: a pixel of value {@code v} becomes grey {@code 255 v}. */
        LIGHT,
        /** Dark ink on white, as people write and scan: a pixel of value {@code v} becomes {@code 255 (1 - v)}. */
        DARK
    }

    private DigitPictures() {
    }

    /**
     * Draws {@code digit} as an 8-bit grey picture ({@link BufferedImage#TYPE_BYTE_GRAY}) of {@code size} by
     * {@code size} pixels.
     *
     * <p>Each of the digit's 28x28 values {@code v} in [0, 1] becomes the grey level {@code round(255 v)} with
     * {@link Ink#LIGHT} (ink white, background black), or {@code 255 - round(255 v)} with {@link Ink#DARK}. At
     * {@code size} 28 that is the whole picture, so a digit made from MNIST's bytes
     * ({@link DigitImage#fromUnsignedBytes}, {@link io.mnist.api.data.MnistDataset#image}) is drawn as exactly those
     * bytes (or their complement); a larger {@code size} enlarges that 28x28 with bilinear interpolation.
     *
     * @param digit the digit, 28x28 values in [0, 1], 1 the ink
     * @param size  width and height in pixels, at least 28
     * @param ink   whether the ink is drawn light on black or dark on white
     * @return a new picture
     * @throws NullPointerException     if {@code digit} or {@code ink} is null
     * @throws IllegalArgumentException if {@code size} is below 28 (reduce the picture yourself, choosing how: an
     *                                  area average is what a low-resolution scan does)
     */
    public static BufferedImage render(DigitImage digit, int size, Ink ink) {
        Objects.requireNonNull(digit, "digit");
        Objects.requireNonNull(ink, "ink");
        if (size < DigitImage.SIZE) {
            throw new IllegalArgumentException("A digit is drawn at " + DigitImage.SIZE + "x" + DigitImage.SIZE
                    + " pixels or larger, not " + size + "x" + size + "; reduce the 28x28 picture yourself");
        }
        BufferedImage picture = new BufferedImage(DigitImage.SIZE, DigitImage.SIZE, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = picture.getRaster();
        float[] pixels = digit.pixels();
        for (int p = 0; p < DigitImage.PIXELS; p++) {
            int level = Math.round(pixels[p] * 255);
            raster.setSample(p % DigitImage.SIZE, p / DigitImage.SIZE, 0, ink == Ink.LIGHT ? level : 255 - level);
        }
        if (size == DigitImage.SIZE) {
            return picture;
        }
        BufferedImage enlarged = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = enlarged.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(picture, 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        return enlarged;
    }

    /**
     * Encodes {@code image} (one from {@link #render}, or any other) as the bytes of a PNG file, losslessly.
     *
     * @throws NullPointerException     if {@code image} is null
     * @throws IllegalArgumentException if the JDK's PNG writer cannot write an image of this kind
     */
    public static byte[] png(RenderedImage image) {
        Objects.requireNonNull(image, "image");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalArgumentException("The JDK's PNG writer cannot write this image ("
                        + image.getColorModel() + "); draw it into a BufferedImage of TYPE_INT_RGB or TYPE_BYTE_GRAY");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a PNG into memory failed: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
