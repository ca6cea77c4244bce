package io.mnist.api.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import io.mnist.api.InvalidImageException;
import io.mnist.api.InvalidImageException.Kind;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads encoded images (PNG, JPEG, BMP, GIF, TIFF, WebP) the way a user means them, with every failure an
 * {@link InvalidImageException} of a stated {@link Kind}: the one decoder the library, the command line and the
 * services share.
 * <ol>
 *   <li>only regular files are read (a FIFO would block forever), and no more than {@link ImageLimits#maxBytes()};</li>
 *   <li>the size the header declares is checked against {@link ImageLimits#maxPixels()} before any pixel is
 *       allocated, and an image over {@link ImageLimits#decodePixels()} is decoded subsampled;</li>
 *   <li>a damaged or truncated file is refused ({@link Kind#DAMAGED}), not predicted from the part that decoded;</li>
 *   <li>the EXIF orientation (values 1 to 8, written by phones when held sideways) is applied, so the image is
 *       upright as a viewer shows it.</li>
 * </ol>
 * Decoding goes through {@link ImageIO} (with the TwelveMonkeys plugins on the class path: CMYK JPEGs, WebP) and
 * the EXIF tag through metadata-extractor. Nothing is cached on disk. Thread-safe.
 */
public final class ImageDecoder {
    private ImageDecoder() {
    }

    /** As {@link #read(Path, ImageLimits)} with {@link ImageLimits#defaults()}. */
    public static BufferedImage read(Path file) throws IOException {
        return read(file, ImageLimits.defaults());
    }

    /**
     * Reads the image in a regular file.
     *
     * @return the image, upright by its EXIF orientation
     * @throws NoSuchFileException    if nothing is at {@code file} (or a symbolic link there points nowhere)
     * @throws IOException            if the file cannot be read
     * @throws InvalidImageException  if {@code file} is not a regular file, or its contents are refused (see
     *                                {@link #decode(byte[], ImageLimits)})
     */
    public static BufferedImage read(Path file, ImageLimits limits) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(limits, "limits");
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    Files.isSymbolicLink(file) ? "a symbolic link to nothing" : "no such file");
        }
        if (!Files.isRegularFile(file)) {
            String what = Files.isDirectory(file) ? "a folder" : "not a regular file (a FIFO, socket or device)";
            throw new InvalidImageException(Kind.NOT_A_FILE, file + " is " + what
                    + "; only regular image files are read");
        }
        long size = Files.size(file);
        if (size > limits.maxBytes()) {
            throw tooManyBytes(size, limits);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return decode(readBounded(in, limits), limits);
        }
    }

    /** As {@link #read(InputStream, ImageLimits)} with {@link ImageLimits#defaults()}. */
    public static BufferedImage read(InputStream in) throws IOException {
        return read(in, ImageLimits.defaults());
    }

    /**
     * Reads an image from a stream, to its end; the stream is not closed.
     *
     * @throws IOException           if the stream fails
     * @throws InvalidImageException if the stream holds more than {@link ImageLimits#maxBytes()}, or its contents
     *                               are refused (see {@link #decode(byte[], ImageLimits)})
     */
    public static BufferedImage read(InputStream in, ImageLimits limits) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(limits, "limits");
        return decode(readBounded(in, limits), limits);
    }

    /** As {@link #decode(byte[], ImageLimits)} with {@link ImageLimits#defaults()}. */
    public static BufferedImage decode(byte[] encoded) {
        return decode(encoded, ImageLimits.defaults());
    }

    /**
     * Decodes an encoded image held in memory.
     *
     * @return the image, upright by its EXIF orientation; subsampled if it declares more than
     *         {@link ImageLimits#decodePixels()}
     * @throws InvalidImageException of kind {@link Kind#NOT_AN_IMAGE} (no known format, or empty), {@link
     *         Kind#UNSUPPORTED_FORMAT} (a known image format without a decoder here, such as HEIC), {@link
     *         Kind#TOO_MANY_BYTES}, {@link Kind#TOO_MANY_PIXELS} or {@link Kind#DAMAGED} (damaged or truncated)
     */
    public static BufferedImage decode(byte[] encoded, ImageLimits limits) {
        Objects.requireNonNull(encoded, "encoded");
        Objects.requireNonNull(limits, "limits");
        if (encoded.length > limits.maxBytes()) {
            throw tooManyBytes(encoded.length, limits);
        }
        if (encoded.length == 0) {
            throw new InvalidImageException(Kind.NOT_AN_IMAGE, "The input is empty (0 bytes); send a PNG or JPEG"
                    + " image");
        }
        BufferedImage image = pixels(encoded, limits);
        int orientation = orientation(encoded);
        return orientation > 1 ? Orientation.apply(image, orientation) : image;
    }

    private static BufferedImage pixels(byte[] encoded, ImageLimits limits) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw unknownFormat(encoded);
            }
            ImageReader reader = readers.next();
            String format = format(reader);
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width < 1 || height < 1) {
                    throw new InvalidImageException(Kind.DAMAGED, "The " + format + " image declares " + width + "x"
                            + height + " pixels, so its header is damaged; send an undamaged copy of the file");
                }
                if (width * height > limits.maxPixels()) {
                    throw new InvalidImageException(Kind.TOO_MANY_PIXELS, String.format(Locale.ROOT,
                            "The %s image declares %dx%d pixels (%.1f megapixels), over the limit of %.1f"
                                    + " megapixels; scale it down, or raise the limit (ImageLimits.withMaxPixels in"
                                    + " Java; --max-megapixels of ./mnist serve)",
                            format, width, height, width * height / 1e6, limits.maxPixels() / 1e6));
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(width * height, limits.decodePixels());
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage image = reader.read(0, param);
                String damage = warnings.stream().filter(ImageDecoder::isDamage).findFirst().orElse(null);
                if (damage != null) {
                    throw new InvalidImageException(Kind.DAMAGED, "The " + format + " image is damaged or"
                            + " truncated (" + damage + "); send the whole file again");
                }
                return image;
            } catch (IOException | RuntimeException e) {
                if (e instanceof InvalidImageException invalid) {
                    throw invalid;
                }
                throw new InvalidImageException(Kind.DAMAGED, "The " + format + " image cannot be decoded, it is"
                        + " damaged or truncated" + detail(format, e) + "; send the whole file again", e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new InvalidImageException(Kind.DAMAGED, "The image cannot be decoded, it is damaged or truncated"
                    + detail("image", e) + "; send the whole file again", e);
        }
    }

    /** The least step that brings {@code pixels} to at most {@code budget} when every step-th row and column is read. */
    static int subsampling(long pixels, long budget) {
        int step = 1;
        while ((double) pixels / ((double) step * step) > budget) {
            step++;
        }
        return step;
    }

    /** Warnings that mean pixels are missing, rather than harmless irregularities of the file. */
    private static boolean isDamage(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature") || w.contains("truncat") || w.contains("corrupt") || w.contains("missing")
                || w.contains("end of");
    }

    private static String format(ImageReader reader) {
        String[] names = reader.getOriginatingProvider() == null ? null
                : reader.getOriginatingProvider().getFormatNames();
        if (names == null || names.length == 0) {
            return "image";
        }
        String name = names[0].toUpperCase(Locale.ROOT);
        return switch (name) {
            case "TIF" -> "TIFF";
            case "JPG" -> "JPEG";
            case "WEBP" -> "WebP";
            default -> name;
        };
    }

    /**
     * What the decoder said, in brackets and marked as its words, or nothing: a file that ends early says so in
     * words, and a failure without words (a bare exception class, or a decoder's runtime failure such as "data ==
     * null!" or an index out of bounds) adds nothing the user could act on.
     */
    static String detail(String format, Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof IIOException)) {
            t = t.getCause();
        }
        if (t instanceof java.io.EOFException) {
            return " (the file ends before the image does)";
        }
        if (!(t instanceof IOException)) {
            return "";
        }
        String message = t.getMessage() == null ? "" : t.getMessage().strip().replaceAll("[!.]+$", "");
        return message.isEmpty() ? "" : " (the " + format + " decoder says: " + message + ")";
    }

    /** The EXIF orientation, 1 (upright) when the file has none or it cannot be read. */
    static int orientation(byte[] encoded) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(encoded), encoded.length);
            for (ExifIFD0Directory d : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
                Integer o = d.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
                if (o != null && o >= 1 && o <= 8) {
                    return o;
                }
            }
        } catch (Exception e) {
            // A file whose metadata cannot be parsed is shown as stored, as viewers do.
        }
        return 1;
    }

    private static InvalidImageException unknownFormat(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1);
        String known = null;
        if (b.length > 12 && head.startsWith("ftyp", 4)) {
            String brand = head.substring(8, 12);
            known = brand.startsWith("avi") ? "an AVIF image" : "a HEIC/HEIF image (" + brand.strip() + ")";
        } else if (head.startsWith("%PDF")) {
            known = "a PDF document";
        } else if (head.stripLeading().startsWith("<svg") || head.stripLeading().startsWith("<?xml")) {
            known = "an SVG or XML document";
        } else if (head.startsWith("RIFF") && head.startsWith("WEBP", 8)) {
            known = "a WebP image whose header this decoder cannot read (damaged, or a variant it does not know)";
        } else if (b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            return new InvalidImageException(Kind.DAMAGED, "The JPEG image cannot be decoded: its header is damaged");
        }
        if (known != null) {
            return new InvalidImageException(Kind.UNSUPPORTED_FORMAT, "The input is " + known
                    + ", which cannot be read here; convert it to PNG or JPEG");
        }
        return new InvalidImageException(Kind.NOT_AN_IMAGE, "The input is not an image in a known format (PNG, JPEG,"
                + " BMP, GIF, TIFF or WebP expected)");
    }

    private static InvalidImageException tooManyBytes(long size, ImageLimits limits) {
        return new InvalidImageException(Kind.TOO_MANY_BYTES, String.format(Locale.ROOT,
                "The image is %s, over the limit of %s; send a smaller file, or raise ImageLimits.maxBytes",
                size < 0 ? "larger" : mib(size), mib(limits.maxBytes())));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", bytes / 1048576.0, bytes);
    }

    /** Up to {@code maxBytes} bytes of {@code in}; one byte more is refused without reading further. */
    private static byte[] readBounded(InputStream in, ImageLimits limits) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > limits.maxBytes()) {
                throw tooManyBytes(-1, limits);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The eight EXIF orientations as pixel moves from the stored image to the upright one. */
    static final class Orientation {
        private Orientation() {
        }

        /**
         * The stored image turned upright. Orientation 2 mirrors it left to right, 3 turns it 180 degrees, 4 mirrors it
         * top to bottom, 5 transposes it, 6 turns it 90 degrees clockwise, 7 transverses it and 8 turns it 90 degrees
         * anticlockwise (EXIF 2.32, tag 0x0112). The colour model and pixel layout are kept.
         */
        static BufferedImage apply(BufferedImage stored, int orientation) {
            int w = stored.getWidth();
            int h = stored.getHeight();
            boolean swap = orientation >= 5;
            ColorModel cm = stored.getColorModel();
            WritableRaster from = stored.getRaster();
            WritableRaster to = from.createCompatibleWritableRaster(swap ? h : w, swap ? w : h);
            Object pixel = null;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    pixel = from.getDataElements(x, y, pixel);
                    int tx;
                    int ty;
                    switch (orientation) {
                        case 2 -> { tx = w - 1 - x; ty = y; }
                        case 3 -> { tx = w - 1 - x; ty = h - 1 - y; }
                        case 4 -> { tx = x; ty = h - 1 - y; }
                        case 5 -> { tx = y; ty = x; }
                        case 6 -> { tx = h - 1 - y; ty = x; }
                        case 7 -> { tx = h - 1 - y; ty = w - 1 - x; }
                        case 8 -> { tx = y; ty = w - 1 - x; }
                        default -> { tx = x; ty = y; }
                    }
                    to.setDataElements(tx, ty, pixel);
                }
            }
            return new BufferedImage(cm, to, cm.isAlphaPremultiplied(), null);
        }
    }
}
