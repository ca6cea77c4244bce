package io.mnist.api.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the format MNIST ships in), raw or gzip-compressed (detected from the content, not the name),
 * and validates them: magic number, dimensions, and that the byte count matches the header exactly.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with three dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Images as read: {@code count} images of {@code rows x columns} unsigned bytes, row-major. */
    public record Images(int count, int rows, int columns, byte[] pixels) {
    }

    /**
     * Reads an image file.
     *
     * @throws IdxFormatException if it is not an IDX image file or is truncated or too long
     */
    public static Images readImages(Path file) throws IOException {
        return parseImages(readBytes(file), file.toString());
    }

    /** Parses the bytes of an image file; {@code file} names it in messages. */
    public static Images parseImages(byte[] data, String file) throws IdxFormatException {
        ByteBuffer header = header(data, 16, file, "an image file");
        int magic = header.getInt();
        if (magic != IMAGES_MAGIC) {
            throw wrongMagic(file, magic, IMAGES_MAGIC, "images (unsigned bytes, 3 dimensions)");
        }
        int count = header.getInt();
        int rows = header.getInt();
        int columns = header.getInt();
        if (count < 0 || rows <= 0 || columns <= 0) {
            throw new IdxFormatException(file + ": header has impossible dimensions " + count + "x" + rows + "x"
                    + columns);
        }
        long expected = (long) count * rows * columns;
        checkLength(file, data.length - 16L, expected, count + " images of " + rows + "x" + columns);
        byte[] pixels = new byte[(int) expected];
        System.arraycopy(data, 16, pixels, 0, pixels.length);
        return new Images(count, rows, columns, pixels);
    }

    /**
     * Reads a label file; every label must be a digit 0..9.
     *
     * @throws IdxFormatException if it is not an IDX label file, is truncated or too long, or holds a non-digit
     */
    public static byte[] readLabels(Path file) throws IOException {
        return parseLabels(readBytes(file), file.toString());
    }

    /** Parses the bytes of a label file; {@code file} names it in messages. */
    public static byte[] parseLabels(byte[] data, String file) throws IdxFormatException {
        ByteBuffer header = header(data, 8, file, "a label file");
        int magic = header.getInt();
        if (magic != LABELS_MAGIC) {
            throw wrongMagic(file, magic, LABELS_MAGIC, "labels (unsigned bytes, 1 dimension)");
        }
        int count = header.getInt();
        if (count < 0) {
            throw new IdxFormatException(file + ": header has a negative label count " + count);
        }
        checkLength(file, data.length - 8L, count, count + " labels");
        byte[] labels = new byte[count];
        System.arraycopy(data, 8, labels, 0, count);
        for (int i = 0; i < count; i++) {
            if ((labels[i] & 0xFF) > 9) {
                throw new IdxFormatException(file + ": label " + i + " is " + (labels[i] & 0xFF)
                        + ", not a digit 0..9");
            }
        }
        return labels;
    }

    /** The contents of {@code file}, decompressed if it is gzip. */
    public static byte[] readBytes(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            if (b1 == 0x1f && b2 == 0x8b) {
                try (InputStream gz = new GZIPInputStream(raw)) {
                    return gz.readAllBytes();
                } catch (java.io.EOFException | java.util.zip.ZipException e) {
                    throw new IdxFormatException(file + ": the gzip stream is damaged or truncated ("
                            + e.getMessage() + "); fetch the file again");
                }
            }
            return raw.readAllBytes();
        }
    }

    private static ByteBuffer header(byte[] data, int size, String file, String what) throws IdxFormatException {
        if (data.length < size) {
            throw new IdxFormatException(file + " is too short to be " + what + ": " + data.length
                    + " bytes, but the IDX header alone takes " + size);
        }
        return ByteBuffer.wrap(data, 0, size);
    }

    private static IdxFormatException wrongMagic(String file, int actual, int expected, String what) {
        return new IdxFormatException(String.format(
                "%s: magic number is 0x%08X, expected 0x%08X for IDX %s; is this the right file?",
                file, actual, expected, what));
    }

    private static void checkLength(String file, long actual, long expected, String what) throws IdxFormatException {
        if (actual < expected) {
            throw new IdxFormatException(file + " is truncated: the header announces " + what + " (" + expected
                    + " bytes) but only " + actual + " bytes follow; fetch the file again");
        }
        if (actual > expected) {
            throw new IdxFormatException(file + " is longer than its header says: " + what + " take " + expected
                    + " bytes but " + actual + " follow; the file is damaged or not an IDX file");
        }
    }
}
