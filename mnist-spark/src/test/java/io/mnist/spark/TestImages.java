package io.mnist.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.data.MnistDataset;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Image files for the tests, written at test time: MNIST test digits as PNG files, and files that are not images. */
final class TestImages {
    private TestImages() {
    }

    /**
     * People's own handwriting, beside the project as in CI ({@code ../shared/realworld/images}); the tests that read
     * it fail, rather than skip, when it is missing.
     */
    static Path realWorld() {
        Path project = Path.of("").toAbsolutePath().getParent();
        Path images = project.resolveSibling("shared").resolve("realworld").resolve("images");
        assertThat(images).as("people's own handwriting, expected beside the project at ../shared/realworld/images"
                + " (as in CI)").isDirectory();
        return images;
    }

    /**
     * Writes the first {@code count} test digits of {@code data} into {@code dir} as PNG files named by index and
     * label, in turn as stored (28x28 white on black), enlarged 4x, and inverted (black on white).
     */
    static void writeDigits(MnistDataset data, int count, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            Files.write(dir.resolve(String.format("%05d-label%d.png", i, data.label(i))), png(render(data, i, i % 3)));
        }
    }

    /**
     * One file of each way an input file can fail, named by the error kind it must get. (An empty file is not among
     * them: Spark's file sources never list files of 0 bytes.)
     */
    static void writeBadFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        java.util.SplittableRandom random = new java.util.SplittableRandom(17);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noise.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        byte[] good = png(noise);
        Files.write(dir.resolve("bad-damaged.png"), Arrays.copyOf(good, good.length / 2));
        Files.write(dir.resolve("bad-not_an_image.png"), "a shopping list, not a digit".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("bad-empty.png"), png(blank()));
        byte[] heic = new byte[64];
        System.arraycopy("\0\0\0\u0018ftypheic".getBytes(StandardCharsets.ISO_8859_1), 0, heic, 0, 12);
        Files.write(dir.resolve("bad-unsupported_format.heic"), heic);
    }

    private static BufferedImage blank() {
        BufferedImage white = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = white.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        return white;
    }

    private static BufferedImage render(MnistDataset data, int i, int variant) {
        BufferedImage digit = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < 784; p++) {
            int v = data.rawPixel(i, p);
            digit.getRaster().setSample(p % 28, p / 28, 0, variant == 2 ? 255 - v : v);
        }
        if (variant != 1) {
            return digit;
        }
        BufferedImage big = new BufferedImage(112, 112, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(digit, 0, 0, 112, 112, null);
        g.dispose();
        return big;
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
