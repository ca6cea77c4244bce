package io.mnist.spark;

import io.mnist.api.InvalidImageException;
import io.mnist.api.InvalidImageException.Kind;
import io.mnist.api.image.ImageDecoder;
import io.mnist.api.image.ImageLimits;
import java.awt.image.BufferedImage;
import java.util.Locale;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** What the input column holds, and how an image is had from it. */
enum InputKind {
    /** Encoded image bytes (PNG, JPEG...), as Spark's {@code binaryFile} source gives them: read by the library. */
    ENCODED {
        @Override
        BufferedImage image(Object value) {
            if (value == null) {
                throw new InvalidImageException(Kind.NOT_AN_IMAGE, "The image column is null in this row; it holds"
                        + " no image");
            }
            return ImageDecoder.decode((byte[]) value);
        }
    },
    /**
     * Spark's image struct ({@code format("image")}): pixels Spark has already decoded, in OpenCV's BGR(A) byte order.
     * They are only laid out as a {@link BufferedImage} here, not decoded again.
     */
    IMAGE_STRUCT {
        @Override
        BufferedImage image(Object value) {
            if (value == null) {
                throw new InvalidImageException(Kind.NOT_AN_IMAGE, "The image column is null in this row; it holds"
                        + " no image");
            }
            Row row = (Row) value;
            String origin = ImageSchema.getOrigin(row);
            int height = ImageSchema.getHeight(row);
            int width = ImageSchema.getWidth(row);
            int channels = ImageSchema.getNChannels(row);
            byte[] data = ImageSchema.getData(row);
            if (height < 1 || width < 1 || data == null || data.length == 0) {
                throw new InvalidImageException(Kind.NOT_AN_IMAGE, "Spark's image source could not decode " + origin
                        + "; read the files with format(\"binaryFile\") to learn why");
            }
            if ((long) width * height > ImageLimits.defaults().maxPixels()) {
                throw new InvalidImageException(Kind.TOO_MANY_PIXELS, String.format(Locale.ROOT, "The image %s has"
                        + " %dx%d pixels, over the limit of %d", origin, width, height,
                        ImageLimits.defaults().maxPixels()));
            }
            int type = switch (channels) {
                case 1 -> BufferedImage.TYPE_BYTE_GRAY;
                case 3 -> BufferedImage.TYPE_3BYTE_BGR;
                case 4 -> BufferedImage.TYPE_4BYTE_ABGR;
                default -> throw new InvalidImageException(Kind.UNSUPPORTED_FORMAT, "The image " + origin + " has "
                        + channels + " channels; 1, 3 or 4 are read");
            };
            if (data.length != (long) width * height * channels) {
                throw new InvalidImageException(Kind.DAMAGED, "The image struct of " + origin + " holds "
                        + data.length + " bytes, not " + width + "x" + height + "x" + channels);
            }
            BufferedImage image = new BufferedImage(width, height, type);
            byte[] target = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
            if (channels == 4) {
                // Spark stores B, G, R, A; TYPE_4BYTE_ABGR stores A, B, G, R.
                for (int i = 0; i < data.length; i += 4) {
                    target[i] = data[i + 3];
                    target[i + 1] = data[i];
                    target[i + 2] = data[i + 1];
                    target[i + 3] = data[i + 2];
                }
            } else {
                System.arraycopy(data, 0, target, 0, data.length);
            }
            return image;
        }
    };

    /**
     * The image in one row's input value.
     *
     * @throws InvalidImageException if it holds no usable image
     */
    abstract BufferedImage image(Object value);

    /** @throws IllegalArgumentException if {@code type} holds no image */
    static InputKind of(DataType type) {
        if (type instanceof BinaryType) {
            return ENCODED;
        }
        if (type instanceof StructType struct && isImageStruct(struct)) {
            return IMAGE_STRUCT;
        }
        throw new IllegalArgumentException("The input column holds " + type.simpleString() + "; it must hold encoded"
                + " image bytes (binary, as format(\"binaryFile\") reads them into 'content') or Spark's image struct"
                + " (format(\"image\"))");
    }

    /** Spark's image struct by its fields' names and types; nullability differs once it has been through Parquet. */
    private static boolean isImageStruct(StructType struct) {
        StructType image = ImageSchema.columnSchema();
        if (struct.fields().length != image.fields().length) {
            return false;
        }
        for (int i = 0; i < image.fields().length; i++) {
            if (!struct.fields()[i].name().equals(image.fields()[i].name())
                    || !struct.fields()[i].dataType().equals(image.fields()[i].dataType())) {
                return false;
            }
        }
        return true;
    }
}
