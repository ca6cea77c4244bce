package io.mnist.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] images(int magic, int count, int rows, int cols, int pixelBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < pixelBytes; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    static byte[] labels(int magic, int count, byte... values) {
        return ByteBuffer.allocate(8 + values.length).putInt(magic).putInt(count).put(values).array();
    }

    @Test
    void readsImagesRawAndGzipped() throws IOException {
        byte[] data = images(0x803, 2, 28, 28, 2 * 784);
        Path raw = Files.write(dir.resolve("img"), data);
        Path gz = dir.resolve("img.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(data);
        }
        for (Path p : new Path[] {raw, gz}) {
            IdxReader.Images images = IdxReader.readImages(p);
            assertThat(images.count()).isEqualTo(2);
            assertThat(images.rows()).isEqualTo(28);
            assertThat(images.pixels()).hasSize(2 * 784);
            assertThat(images.pixels()[5]).isEqualTo((byte) 5);
        }
    }

    @Test
    void rejectsAWrongMagicNumber() throws IOException {
        Path labelsAsImages = Files.write(dir.resolve("labels"), labels(0x801, 1, (byte) 3));
        assertThatThrownBy(() -> IdxReader.readImages(labelsAsImages)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("too short");
        Path wrong = Files.write(dir.resolve("wrong"), images(0x801, 1, 28, 28, 784));
        assertThatThrownBy(() -> IdxReader.readImages(wrong)).isInstanceOf(IdxFormatException.class)
                .hasMessage(wrong + ": magic number is 0x00000801, expected 0x00000803 for IDX images (unsigned"
                        + " bytes, 3 dimensions); it is an IDX label file: are the image and label files swapped?");
        Path imagesAsLabels = Files.write(dir.resolve("images"), images(0x803, 1, 28, 28, 784));
        assertThatThrownBy(() -> IdxReader.readLabels(imagesAsLabels)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("magic number is 0x00000803, expected 0x00000801")
                .hasMessageContaining("it is an IDX image file: are the image and label files swapped?");
        Path text = Files.writeString(dir.resolve("notes"), "these are not the images you are looking for");
        assertThatThrownBy(() -> IdxReader.readImages(text)).hasMessageContaining("is this the right file?");
    }

    @Test
    void rejectsATruncatedFile() throws IOException {
        Path cut = Files.write(dir.resolve("cut"), images(0x803, 3, 28, 28, 2 * 784 + 100));
        assertThatThrownBy(() -> IdxReader.readImages(cut)).isInstanceOf(IdxFormatException.class)
                .hasMessage(cut + " is truncated: the header announces 3 images of 28x28 (2352 bytes) but only"
                        + " 1668 bytes follow; fetch the file again");
        Path labels = Files.write(dir.resolve("labels"), labels(0x801, 5, (byte) 1, (byte) 2));
        assertThatThrownBy(() -> IdxReader.readLabels(labels)).hasMessageContaining("announces 5 labels");
    }

    @Test
    void rejectsATruncatedGzipStream() throws IOException {
        byte[] data = images(0x803, 2, 28, 28, 2 * 784);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        byte[] gz = bytes.toByteArray();
        Path cut = Files.write(dir.resolve("cut.gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.readImages(cut)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("gzip stream is damaged or truncated");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        Path longer = Files.write(dir.resolve("long"), images(0x803, 1, 28, 28, 784 + 7));
        assertThatThrownBy(() -> IdxReader.readImages(longer)).hasMessageContaining("longer than its header says");
    }

    @Test
    void rejectsLabelsThatAreNotDigits() throws IOException {
        Path bad = Files.write(dir.resolve("bad"), labels(0x801, 2, (byte) 4, (byte) 10));
        assertThatThrownBy(() -> IdxReader.readLabels(bad)).hasMessage(bad + ": label 1 is 10, not a digit 0..9");
    }

    @Test
    void rejectsImageAndLabelCountsThatDisagree() throws IOException {
        IdxReader.Images images = IdxReader.parseImages(images(0x803, 2, 28, 28, 2 * 784), "imgs");
        assertThatThrownBy(() -> MnistDataset.of("pair", images, new byte[] {1, 2, 3}))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage("pair: the image file holds 2 images but the label file holds 3 labels; they must be a pair");
        IdxReader.Images small = IdxReader.parseImages(images(0x803, 1, 8, 8, 64), "small");
        assertThatThrownBy(() -> MnistDataset.of("small", small, new byte[] {1}))
                .hasMessageContaining("images are 8x8, MNIST images are 28x28");
    }

    @Test
    void aGzipBombPosingAsIdxStopsAtWhatItsHeaderDeclares() throws IOException {
        // A header for one 28x28 image, then 64 MiB of zeros: 64 KiB compressed.
        Path bomb = dir.resolve("bomb.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            out.write(images(0x803, 1, 28, 28, 784));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                out.write(zeros);
            }
        }
        assertThat(Files.size(bomb)).isLessThan(200_000);
        assertThatThrownBy(() -> IdxReader.readImages(bomb)).isInstanceOf(IdxFormatException.class)
                .hasMessage(bomb + " expands to more than the 800 bytes its header declares; the file is damaged or"
                        + " not an IDX file");
    }

    @Test
    void aGzipHeaderDeclaringMoreThanTheFileCanHoldIsRefusedBeforeExpanding() throws IOException {
        Path liar = dir.resolve("liar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(liar))) {
            out.write(images(0x803, 60_000, 28, 28, 100));
        }
        assertThatThrownBy(() -> IdxReader.readImages(liar)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("declares 47040016 bytes, more than a gzip file of")
                .hasMessageContaining("can hold");
    }

    @Test
    void sizesOverTheLimitNameItAndHowToRaiseIt() throws IOException {
        Path raw = Files.write(dir.resolve("img"), images(0x803, 2, 28, 28, 2 * 784));
        assertThatThrownBy(() -> IdxReader.readBytes(raw, new IdxLimits(1000))).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("1584 bytes, over the limit of 1000 bytes (IdxLimits.maxBytes;"
                        + " raise it with -Dmnist.idx.maxBytes=BYTES)");
        Path overflow = dir.resolve("overflow.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(overflow))) {
            out.write(images(0x803, Integer.MAX_VALUE, 65535, 65535, 0));
        }
        assertThatThrownBy(() -> IdxReader.readImages(overflow)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("over the limit of");
        assertThat(IdxReader.readBytes(raw, new IdxLimits(1584))).hasSize(1584);
    }

    @Test
    void onlyRegularFilesAreRead() {
        assertThatThrownBy(() -> IdxReader.readImages(dir)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("not a regular file");
    }
}
