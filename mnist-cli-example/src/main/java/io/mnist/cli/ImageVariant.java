package io.mnist.cli;

import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.image.DigitPictures;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * MNIST test digits written as image files, the way users meet them: exactly as stored, enlarged, inverted, or at a
 * scan's low resolution. {@code mnist evaluate --as-images} scores a model on them through the whole image path
 * (PNG encoding, the library's decoder, preprocessing), to show what preprocessing costs against the tensors.
 */
enum ImageVariant {
    /** 28x28 8-bit grey, white digit on black, byte for byte as MNIST stores it. */
    stored,
    /** The same enlarged 4x to 112x112 with bilinear interpolation. */
    upscaled,
    /** 28x28 black digit on white (each byte {@code 255 - v}). */
    inverted,
    /** Reduced to 8x8 (area average) and enlarged back to 32x32 (bilinear), as a low-resolution scan gives. */
    lowres;

    /** Test image {@code i} of {@code data} in this variant. */
    BufferedImage render(MnistDataset data, int i) {
        DigitImage digit = data.image(i);
        return switch (this) {
            case stored -> DigitPictures.render(digit, DigitImage.SIZE, DigitPictures.Ink.LIGHT);
            case inverted -> DigitPictures.render(digit, DigitImage.SIZE, DigitPictures.Ink.DARK);
            case upscaled -> DigitPictures.render(digit, 112, DigitPictures.Ink.LIGHT);
            case lowres -> resize(areaAverage(DigitPictures.render(digit, DigitImage.SIZE, DigitPictures.Ink.LIGHT),
                    8), 32, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        };
    }

    /** The variant as the bytes of a PNG file. */
    byte[] png(MnistDataset data, int i) {
        return DigitPictures.png(render(data, i));
    }

    private static BufferedImage resize(BufferedImage from, int size, Object interpolation) {
        BufferedImage to = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = to.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        g.drawImage(from, 0, 0, size, size, null);
        g.dispose();
        return to;
    }

    private static BufferedImage areaAverage(BufferedImage from, int size) {
        BufferedImage to = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        int n = from.getWidth();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double sum = 0;
                double area = 0;
                double x0 = (double) x * n / size;
                double x1 = (double) (x + 1) * n / size;
                double y0 = (double) y * n / size;
                double y1 = (double) (y + 1) * n / size;
                for (int sy = (int) y0; sy < y1; sy++) {
                    for (int sx = (int) x0; sx < x1; sx++) {
                        double a = (Math.min(x1, sx + 1) - Math.max(x0, sx)) * (Math.min(y1, sy + 1) - Math.max(y0, sy));
                        sum += a * from.getRaster().getSample(sx, sy, 0);
                        area += a;
                    }
                }
                to.getRaster().setSample(x, y, 0, (int) Math.round(sum / area));
            }
        }
        return to;
    }
}
