package io.mnist.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.image.DigitPictures;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
            DigitPictures.Ink ink = i % 3 == 2 ? DigitPictures.Ink.DARK : DigitPictures.Ink.LIGHT;
            int size = i % 3 == 1 ? 4 * DigitImage.SIZE : DigitImage.SIZE;
            Files.write(dir.resolve(String.format("%05d-label%d.png", i, data.label(i))),
                    DigitPictures.png(DigitPictures.render(data.image(i), size, ink)));
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
        byte[] good = DigitPictures.png(noise);
        Files.write(dir.resolve("bad-damaged.png"), Arrays.copyOf(good, good.length / 2));
        Files.write(dir.resolve("bad-not_an_image.png"), "a shopping list, not a digit".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("bad-empty.png"), DigitPictures.png(blank()));
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
}
