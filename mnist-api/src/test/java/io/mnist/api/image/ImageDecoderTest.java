package io.mnist.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.InvalidImageException;
import io.mnist.api.InvalidImageException.Kind;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    @TempDir
    Path dir;

    /** A 6x4 image whose pixels all differ, so every move of a pixel shows. */
    private static BufferedImage marked() {
        BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                image.setRGB(x, y, (x * 40) << 16 | (y * 60) << 8);
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("a writer for " + format).isTrue();
        return out.toByteArray();
    }

    @Test
    void decodesPngAsStored() throws IOException {
        BufferedImage image = marked();
        BufferedImage back = ImageDecoder.decode(encode(image, "png"));
        assertThat(back.getWidth()).isEqualTo(6);
        assertThat(back.getRGB(5, 3)).isEqualTo(image.getRGB(5, 3));
    }

    /** Where the upright image's pixel (x, y) comes from in the stored one, for each EXIF orientation. */
    private static int[] source(int orientation, int x, int y, int w, int h) {
        return switch (orientation) {
            case 2 -> new int[] {w - 1 - x, y};
            case 3 -> new int[] {w - 1 - x, h - 1 - y};
            case 4 -> new int[] {x, h - 1 - y};
            case 5 -> new int[] {y, x};
            case 6 -> new int[] {y, h - 1 - x};
            case 7 -> new int[] {w - 1 - y, h - 1 - x};
            case 8 -> new int[] {w - 1 - y, x};
            default -> new int[] {x, y};
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void turnsPhotosUprightByTheirExifOrientation(int orientation) throws IOException {
        BufferedImage stored = marked();
        byte[] png = encode(stored, "png");
        BufferedImage upright = ImageDecoder.decode(withExifOrientation(png, orientation));
        boolean swapped = orientation >= 5;
        assertThat(upright.getWidth()).as("width").isEqualTo(swapped ? 4 : 6);
        assertThat(upright.getHeight()).as("height").isEqualTo(swapped ? 6 : 4);
        for (int y = 0; y < upright.getHeight(); y++) {
            for (int x = 0; x < upright.getWidth(); x++) {
                int[] s = source(orientation, x, y, 6, 4);
                assertThat(upright.getRGB(x, y)).as("orientation %d, pixel (%d, %d)", orientation, x, y)
                        .isEqualTo(stored.getRGB(s[0], s[1]));
            }
        }
    }

    @Test
    void readsTheOrientationOfAJpegPhoto() throws IOException {
        byte[] jpeg = encode(marked(), "jpg");
        assertThat(ImageDecoder.orientation(withExifOrientationJpeg(jpeg, 6))).isEqualTo(6);
        assertThat(ImageDecoder.decode(withExifOrientationJpeg(jpeg, 6)).getWidth()).isEqualTo(4);
    }

    @Test
    void refusesATruncatedJpeg() throws IOException {
        byte[] jpeg = encode(noise(300, 300), "jpg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> ImageDecoder.decode(cut)).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.DAMAGED)).hasMessageContaining("truncated");
    }

    @Test
    void refusesATruncatedPng() throws IOException {
        byte[] png = encode(noise(300, 300), "png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> ImageDecoder.decode(cut)).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.DAMAGED));
    }

    /**
     * Damaged files of every format the decoder reads, cut short and with bytes changed in the header and anywhere:
     * every refusal is in words (never a bare exception class such as "(EOFException)", never a decoder's "!"), names
     * the format as users know it, and says what to do.
     */
    @ParameterizedTest
    @ValueSource(strings = {"png", "jpg", "bmp", "gif", "tiff"})
    void saysWhatIsDamagedInWords(String format) throws IOException {
        byte[] good = encode(noise(40, 30), format);
        Random random = new Random(7);
        int refused = 0;
        for (int t = 0; t < 300; t++) {
            byte[] bad;
            if (t < 100) {
                bad = Arrays.copyOf(good, Math.max(1, good.length * t / 100));
            } else {
                bad = good.clone();
                int span = t % 2 == 0 ? Math.min(bad.length, 64) : bad.length;
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    bad[random.nextInt(span)] = (byte) random.nextInt(256);
                }
            }
            try {
                ImageDecoder.decode(bad);
            } catch (InvalidImageException e) {
                refused++;
                String m = e.getMessage();
                assertThat(m).as("try %d", t).doesNotContain("Exception").doesNotContain("!)")
                        .doesNotContain("TIF ").doesNotContain("JPG ").doesNotContain("WEBP");
                if (e.kind() == Kind.DAMAGED) {
                    assertThat(m).as("try %d", t).containsAnyOf("send the whole file again",
                            "send an undamaged copy");
                }
            }
        }
        assertThat(refused).as("damaged %s files refused", format).isGreaterThan(100);
    }

    @Test
    void refusesAHugeDeclaredSizeBeforeAllocatingIt() {
        byte[] bomb = pngDeclaring(40_000, 40_000);
        assertThatThrownBy(() -> ImageDecoder.decode(bomb)).isInstanceOfSatisfying(InvalidImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_PIXELS))
                .hasMessageContaining("40000x40000").hasMessageContaining("ImageLimits.withMaxPixels").hasMessageContaining("--max-megapixels");
    }

    @Test
    void decodesALargeImageSubsampled() throws IOException {
        BufferedImage big = new BufferedImage(900, 600, BufferedImage.TYPE_BYTE_GRAY);
        ImageLimits limits = ImageLimits.defaults().withDecodePixels(60_000);
        BufferedImage back = ImageDecoder.decode(encode(big, "png"), limits);
        assertThat((long) back.getWidth() * back.getHeight()).isLessThanOrEqualTo(60_000);
        assertThat(back.getWidth()).isEqualTo(300); // every third column
        assertThat(ImageDecoder.subsampling(540_000, 60_000)).isEqualTo(3);
        assertThat(ImageDecoder.subsampling(60_000, 60_000)).isEqualTo(1);
    }

    @Test
    void refusesMoreBytesThanTheLimit() throws IOException {
        byte[] png = encode(noise(100, 100), "png");
        ImageLimits limits = ImageLimits.defaults().withMaxBytes(1000);
        assertThatThrownBy(() -> ImageDecoder.decode(png, limits)).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_BYTES)).hasMessageContaining("ImageLimits.maxBytes");
        assertThatThrownBy(() -> ImageDecoder.read(new ByteArrayInputStream(png), limits))
                .isInstanceOfSatisfying(InvalidImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_BYTES));
        Path file = Files.write(dir.resolve("big.png"), png);
        assertThatThrownBy(() -> ImageDecoder.read(file, limits)).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_BYTES));
    }

    @Test
    void namesWhatIsNotAnImage() {
        assertThatThrownBy(() -> ImageDecoder.decode("hello, world".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.NOT_AN_IMAGE));
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[0]))
                .isInstanceOfSatisfying(InvalidImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.NOT_AN_IMAGE)).hasMessageContaining("empty");
        byte[] heic = new byte[64];
        System.arraycopy("\0\0\0\u0018ftypheic".getBytes(StandardCharsets.ISO_8859_1), 0, heic, 0, 12);
        assertThatThrownBy(() -> ImageDecoder.decode(heic)).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_FORMAT)).hasMessageContaining("HEIC");
        assertThatThrownBy(() -> ImageDecoder.decode("%PDF-1.7 ...".getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOfSatisfying(InvalidImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_FORMAT)).hasMessageContaining("PDF");
    }

    @Test
    void readsOnlyRegularFiles() throws Exception {
        assertThatThrownBy(() -> ImageDecoder.read(dir)).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.NOT_A_FILE)).hasMessageContaining("folder");
        assertThatThrownBy(() -> ImageDecoder.read(dir.resolve("absent.png"))).isInstanceOf(NoSuchFileException.class);
        Path fifo = dir.resolve("fifo.png");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mkfifo.waitFor(60, TimeUnit.SECONDS) && mkfifo.exitValue() == 0) {
            // Opening a FIFO for reading blocks until a writer comes: it must never be opened.
            assertThatThrownBy(() -> ImageDecoder.read(fifo)).isInstanceOfSatisfying(InvalidImageException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.NOT_A_FILE)).hasMessageContaining("FIFO");
        }
    }

    private static BufferedImage noise(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return image;
    }

    /** A PNG signature and header declaring {@code w x h} pixels, followed by a tiny image data chunk. */
    static byte[] pngDeclaring(int w, int h) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream ih = new DataOutputStream(header);
            ih.writeInt(w);
            ih.writeInt(h);
            ih.write(new byte[] {8, 0, 0, 0, 0});
            chunk(out, "IHDR", header.toByteArray());
            chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
            chunk(out, "IEND", new byte[0]);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        out.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /** A TIFF-structured EXIF block (little-endian) holding only the orientation tag. */
    private static byte[] exif(int orientation) {
        return new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0,
            (byte) orientation, 0, 0, 0, 0, 0, 0, 0};
    }

    /** The PNG with an eXIf chunk after its header (PNG 1.2 extension, as phones and editors write it). */
    static byte[] withExifOrientation(byte[] png, int orientation) throws IOException {
        int afterHeader = 8 + 8 + 13 + 4;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(png, 0, afterHeader);
        chunk(out, "eXIf", exif(orientation));
        out.write(png, afterHeader, png.length - afterHeader);
        return bytes.toByteArray();
    }

    /** The JPEG with an APP1 Exif segment right after its start marker, as cameras write it. */
    static byte[] withExifOrientationJpeg(byte[] jpeg, int orientation) throws IOException {
        byte[] tiff = exif(orientation);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(jpeg, 0, 2);
        out.writeShort(0xFFE1);
        out.writeShort(2 + 6 + tiff.length);
        out.write("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        out.write(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return bytes.toByteArray();
    }
}
