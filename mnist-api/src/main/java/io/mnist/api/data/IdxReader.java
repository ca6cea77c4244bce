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
 * and validates them: magic number, dimensions, and that the byte count matches the header exactly. Sizes are
 * checked against {@link IdxLimits} and the file's length before they are allocated.
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

    /** As {@link #readBytes(Path, IdxLimits)} with {@link IdxLimits#defaults()}. */
    public static byte[] readBytes(Path file) throws IOException {
        return readBytes(file, IdxLimits.defaults());
    }

    /**
     * The contents of a regular file, decompressed if it is gzip (detected from the content). Sizes are checked
     * before anything is allocated: a raw file's length, and for gzip the size the IDX header declares, against
     * {@code limits} and against what a gzip stream of the file's length can hold; a gzip stream is never expanded
     * further than its header declares.
     *
     * @throws IdxFormatException if {@code file} is not a regular file, is over {@code limits}, is a damaged gzip
     *                            stream, or expands to more than its header declares
     * @throws IOException        if it cannot be read
     */
    public static byte[] readBytes(Path file, IdxLimits limits) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
            throw new IdxFormatException(file + " is not a regular file (a folder, FIFO or device); IDX data is read"
                    + " from regular files only");
        }
        long length = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            if (b1 == 0x1f && b2 == 0x8b) {
                try (InputStream gz = new GZIPInputStream(raw)) {
                    return readGzip(gz, file, length, limits);
                } catch (java.io.EOFException | java.util.zip.ZipException e) {
                    throw new IdxFormatException(file + ": the gzip stream is damaged or truncated ("
                            + e.getMessage() + "); fetch the file again");
                }
            }
            if (length > limits.maxBytes()) {
                throw new IdxFormatException(file + " is " + length + " bytes, over the limit of "
                        + limits.describe());
            }
            return raw.readNBytes((int) length);
        }
    }

    /** Deflate expands at most about 1,032 to 1; a header declaring more than this for the file is not believed. */
    private static final long GZIP_MAX_RATIO = 1100;

    private static byte[] readGzip(InputStream gz, Path file, long compressed, IdxLimits limits) throws IOException {
        byte[] head = gz.readNBytes(4);
        long possible = compressed * GZIP_MAX_RATIO + 4096;
        long declared = -1;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(head);
        if (head.length == 4 && head[0] == 0 && head[1] == 0 && head[3] > 0) {
            int dims = head[3];
            int element = elementSize(head[2]);
            byte[] sizes = gz.readNBytes(4 * dims);
            out.write(sizes);
            if (element > 0 && sizes.length == 4 * dims) {
                ByteBuffer b = ByteBuffer.wrap(sizes);
                try {
                    long n = element;
                    for (int i = 0; i < dims; i++) {
                        n = Math.multiplyExact(n, Integer.toUnsignedLong(b.getInt()));
                    }
                    declared = Math.addExact(n, 4L + 4L * dims);
                } catch (ArithmeticException e) {
                    declared = Long.MAX_VALUE;
                }
                if (declared > limits.maxBytes()) {
                    throw new IdxFormatException(file + ": its header declares " + declared + " bytes of data, over"
                            + " the limit of " + limits.describe());
                }
                if (declared > possible) {
                    throw new IdxFormatException(file + ": its header declares " + declared + " bytes, more than a"
                            + " gzip file of " + compressed + " bytes can hold; the file is damaged or not an IDX file");
                }
            }
        }
        long cap = declared >= 0 ? declared : Math.min(limits.maxBytes(), possible);
        long copied = out.size();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = gz.read(buffer, 0, (int) Math.min(buffer.length, cap + 1 - copied))) > 0) {
            out.write(buffer, 0, n);
            copied += n;
            if (copied > cap) {
                throw new IdxFormatException(file + " expands to more than " + (declared >= 0
                        ? "the " + declared + " bytes its header declares; the file is damaged or not an IDX file"
                        : "the limit of " + (cap == limits.maxBytes() ? limits.describe()
                                : cap + " bytes that a gzip file of its length can hold; it is damaged")));
            }
        }
        return out.toByteArray();
    }

    /** Bytes per value of an IDX type code, or 0 if the code is not one of IDX's. */
    private static int elementSize(byte type) {
        return switch (type & 0xFF) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> 0;
        };
    }

    private static ByteBuffer header(byte[] data, int size, String file, String what) throws IdxFormatException {
        if (data.length < size) {
            throw new IdxFormatException(file + " is too short to be " + what + ": " + data.length
                    + " bytes, but the IDX header alone takes " + size);
        }
        return ByteBuffer.wrap(data, 0, size);
    }

    private static IdxFormatException wrongMagic(String file, int actual, int expected, String what) {
        String hint = actual == LABELS_MAGIC ? "it is an IDX label file: are the image and label files swapped?"
                : actual == IMAGES_MAGIC ? "it is an IDX image file: are the image and label files swapped?"
                : "is this the right file?";
        return new IdxFormatException(String.format(
                "%s: magic number is 0x%08X, expected 0x%08X for IDX %s; %s", file, actual, expected, what, hint));
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
