package io.mnist.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitImage;
import io.mnist.api.ImagePreprocessor;
import io.mnist.api.InvalidImageException;
import io.mnist.api.data.IdxFormatException;
import io.mnist.api.data.IdxLimits;
import io.mnist.api.data.IdxReader;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.image.ImageDecoder;
import io.mnist.api.image.ImageLimits;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFile;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.model.ModelLimits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing, bounded: mutated and random bytes go into the three parsers of untrusted input (images, model files, IDX
 * files), and only their documented exceptions may come out: never another RuntimeException, an Error such as
 * OutOfMemoryError, or a hang. Each property makes a fixed number of tries (about 10 s for all four on two cores;
 * 25,000 tries each found nothing further); the corpus is {@code src/test/resources/fuzz}, made by
 * {@link FuzzCorpus}. Inputs are small and the limits low, so a try that allocated what a header declares would fail
 * here as a limit not checked, not as a slow test.
 */
class DecoderFuzzTest {
    /** Small limits, so that any size read from a damaged header is checked against them, not against the heap. */
    private static final ImageLimits IMAGE_LIMITS = new ImageLimits(1 << 20, 4_000_000, 250_000);
    private static final ModelLimits MODEL_LIMITS = new ModelLimits(1 << 20, 1 << 20, 4 << 20, 64, 1_000_000);
    private static final IdxLimits IDX_LIMITS = new IdxLimits(1 << 20);
    private static Path scratch;

    @BeforeContainer
    static void makeScratch() throws IOException {
        scratch = Files.createTempDirectory("mnist-fuzz-");
    }

    @AfterContainer
    static void removeScratch() throws IOException {
        try (var files = Files.list(scratch)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(scratch);
    }

    @Provide
    Arbitrary<byte[]> images() {
        return Arbitraries.oneOf(Mutations.of(Mutations.corpus("images", "seven.png", "seven.jpg", "seven.gif",
                "seven.bmp", "seven.tiff", "one-canvas.png", "dash-gray.png")), randomBytes());
    }

    @Provide
    Arbitrary<byte[]> models() {
        return Arbitraries.oneOf(Mutations.of(Mutations.corpus("models", "tiny.mnist", "tiny-stored.mnist")),
                randomBytes());
    }

    @Provide
    Arbitrary<byte[]> idx() {
        return Arbitraries.oneOf(Mutations.of(Mutations.corpus("idx", "images-idx3-ubyte", "labels-idx1-ubyte",
                "images-idx3-ubyte.gz", "labels-idx1-ubyte.gz")), randomBytes());
    }

    private static Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
    }

    @Property(tries = 4000)
    void imagesDecodeAndPreprocessOrFailAsInvalidImages(@ForAll("images") byte[] bytes) {
        BufferedImage image;
        try {
            image = ImageDecoder.decode(bytes, IMAGE_LIMITS);
        } catch (InvalidImageException expected) {
            assertThat(expected.getMessage()).as("a reason for the user").isNotBlank().doesNotContain("null");
            return;
        }
        assertThat(image.getWidth() * (long) image.getHeight()).isLessThanOrEqualTo(IMAGE_LIMITS.decodePixels());
        try {
            DigitImage digit = ImagePreprocessor.standard().preprocess(image);
            assertThat(digit).isNotNull();
        } catch (InvalidImageException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 4000)
    void modelFilesReadOrFailAsModelFileExceptions(@ForAll("models") byte[] bytes) throws IOException {
        try {
            ModelArchive archive = ModelFile.read(new ByteArrayInputStream(bytes), "fuzz.mnist", MODEL_LIMITS);
            assertThat(archive.manifest().model().network()).isNotNull();
        } catch (ModelFileException expected) {
            assertThat(expected.getMessage()).as("a reason for the user").startsWith("fuzz.mnist")
                    .doesNotContain(": null");
        }
    }

    @Property(tries = 4000)
    void idxBytesParseOrFailAsIdxFormatExceptions(@ForAll("idx") byte[] bytes) throws IOException {
        try {
            IdxReader.Images images = IdxReader.parseImages(bytes, "fuzz-images");
            assertThat(images.pixels()).hasSize(images.count() * images.rows() * images.columns());
            MnistDataset.of("fuzz", images, new byte[images.count()]);
        } catch (IdxFormatException expected) {
            assertThat(expected.getMessage()).startsWith("fuzz");
        }
        try {
            for (byte label : IdxReader.parseLabels(bytes, "fuzz-labels")) {
                assertThat(label).isBetween((byte) 0, (byte) 9);
            }
        } catch (IdxFormatException expected) {
            assertThat(expected.getMessage()).startsWith("fuzz-labels");
        }
    }

    @Property(tries = 800)
    void idxFilesRawOrGzipReadOrFailAsIdxFormatExceptions(@ForAll("idx") byte[] bytes) throws IOException {
        Path file = Files.write(scratch.resolve("fuzz.idx"), bytes);
        try {
            byte[] read = IdxReader.readBytes(file, IDX_LIMITS);
            assertThat((long) read.length).isLessThanOrEqualTo(IDX_LIMITS.maxBytes());
            IdxReader.parseImages(read, file.toString());
        } catch (IdxFormatException expected) {
            assertThat(expected.getMessage()).startsWith(file.toString());
        }
    }
}
