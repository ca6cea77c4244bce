package io.mnist.server;

import io.mnist.api.DigitImage;
import io.mnist.api.NumberReading;
import io.mnist.api.Prediction;
import java.awt.Rectangle;
import java.util.List;

/**
 * The JSON bodies of the API's answers, as records; the server writes them with snake_case names and leaves out
 * fields that are {@code null}. {@code openapi.json} describes the same shapes.
 */
final class Answers {
    private Answers() {
    }

    /**
     * One image's digit.
     *
     * @param digit         the most probable digit
     * @param confidence    its probability
     * @param probabilities the ten probabilities, for 0 to 9
     * @param input         if asked for ({@code ?input=true}): the 28x28 image the model saw, row by row, grey
     *                      levels 0 (background) to 255 (ink)
     */
    record Digit(int digit, float confidence, float[] probabilities, int[] input) {
        static Digit of(Prediction p, DigitImage seen) {
            return new Digit(p.digit(), p.confidence(), p.probabilities(), seen == null ? null : greyLevels(seen));
        }
    }

    /** A number read from one image: its digits left to right, and each digit's answer and box. */
    record Number(String text, double confidence, List<NumberDigit> digits) {
        static Number of(NumberReading reading) {
            return new Number(reading.text(), reading.confidence(), reading.digits().stream()
                    .map(d -> new NumberDigit(d.prediction().digit(), d.prediction().confidence(),
                            d.prediction().probabilities(), Box.of(d.box())))
                    .toList());
        }
    }

    /** One digit of a number. */
    record NumberDigit(int digit, float confidence, float[] probabilities, Box box) {
    }

    /** Where a digit is in the image sent, in its pixels (after any EXIF turn). */
    record Box(int x, int y, int width, int height) {
        static Box of(Rectangle r) {
            return new Box(r.x, r.y, r.width, r.height);
        }
    }

    /**
     * One file of a multipart request: its place and name, then either the answer ({@link Digit} or {@link Number}
     * fields) or an {@code error} code and {@code message}.
     */
    record FileDigit(int index, String file, Integer digit, Float confidence, float[] probabilities, int[] input,
                     String error, String message) {
        static FileDigit of(int index, String file, Digit d) {
            return new FileDigit(index, file, d.digit(), d.confidence(), d.probabilities(), d.input(), null, null);
        }

        static FileDigit failed(int index, String file, ErrorCode error, String message) {
            return new FileDigit(index, file, null, null, null, null, error.code(), message);
        }
    }

    /** One file of a multipart request to {@code /numbers}. */
    record FileNumber(int index, String file, String text, Double confidence, List<NumberDigit> digits,
                      String error, String message) {
        static FileNumber of(int index, String file, Number n) {
            return new FileNumber(index, file, n.text(), n.confidence(), n.digits(), null, null);
        }

        static FileNumber failed(int index, String file, ErrorCode error, String message) {
            return new FileNumber(index, file, null, null, null, error.code(), message);
        }
    }

    /** The answer to a multipart request: one result per file, in the order sent. */
    record Results<T>(List<T> results, int failed) {
    }

    /** {@code /health/live} and {@code /health/ready}: {@code up}, {@code ready}, {@code loading} or {@code failed}. */
    record Health(String status, String backend, String error, String message) {
    }

    /** An error: the stable code, what to do, and the HTTP status. */
    record Error(String error, String message, int status) {
    }

    private static int[] greyLevels(DigitImage image) {
        float[] pixels = image.pixels();
        int[] grey = new int[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            grey[i] = Math.round(pixels[i] * 255);
        }
        return grey;
    }
}
