package io.mnist.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.mnist.api.DigitImage;
import io.mnist.api.NumberReading;
import io.mnist.api.Prediction;
import java.awt.Rectangle;
import java.util.List;

/**
 * The JSON bodies of the API's answers, as records; the server writes them with snake_case names and leaves out
 * fields that are {@code null}. {@code openapi.json} describes the same shapes.
 *
 * <p>Every answer about an image carries the not-a-digit signal under the names of {@code mnist predict}'s JSON:
 * {@code ood_score} ({@link Prediction#outOfDistributionScore()}: 0 typical of MNIST digits, 1 the model's
 * threshold, higher less digit-like) and {@code not_a_digit} (the score is above 1). Both are left out when the model
 * file has no not-a-digit statistics: no score, no verdict ({@code GET /api/v1/model} says
 * {@code not_a_digit_detector: false}). That name is given by hand: Jackson's snake case writes {@code notADigit} as
 * {@code not_adigit}.
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
     * @param oodScore      how unlike the MNIST digits the image is, 1 the threshold; null if the model has no
     *                      not-a-digit statistics
     * @param notADigit     whether {@code oodScore} is above 1; null with it
     * @param input         if asked for ({@code ?input=true}): the 28x28 image the model saw, row by row, grey
     *                      levels 0 (background) to 255 (ink)
     */
    record Digit(int digit, float confidence, float[] probabilities, Double oodScore,
                 @JsonProperty("not_a_digit") Boolean notADigit, int[] input) {
        static Digit of(Prediction p, DigitImage seen) {
            return new Digit(p.digit(), p.confidence(), p.probabilities(), score(p.outOfDistributionScore()),
                    flag(p.outOfDistributionScore(), p.notADigit()), seen == null ? null : greyLevels(seen));
        }
    }

    /**
     * A number read from one image: its digits left to right, and each digit's answer and box; {@code oodScore} is
     * the largest of the digits' and {@code notADigit} whether any of them is probably not a digit.
     */
    record Number(String text, double confidence, Double oodScore, @JsonProperty("not_a_digit") Boolean notADigit,
                  List<NumberDigit> digits) {
        static Number of(NumberReading reading) {
            return new Number(reading.text(), reading.confidence(), score(reading.outOfDistributionScore()),
                    flag(reading.outOfDistributionScore(), reading.containsNonDigit()),
                    reading.digits().stream().map(d -> NumberDigit.of(d.prediction(), d.box())).toList());
        }
    }

    /** One digit of a number. */
    record NumberDigit(int digit, float confidence, float[] probabilities, Double oodScore,
                       @JsonProperty("not_a_digit") Boolean notADigit, Box box) {
        static NumberDigit of(Prediction p, Rectangle box) {
            return new NumberDigit(p.digit(), p.confidence(), p.probabilities(), score(p.outOfDistributionScore()),
                    flag(p.outOfDistributionScore(), p.notADigit()), Box.of(box));
        }
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
    record FileDigit(int index, String file, Integer digit, Float confidence, float[] probabilities, Double oodScore,
                     @JsonProperty("not_a_digit") Boolean notADigit, int[] input, String error, String message) {
        static FileDigit of(int index, String file, Digit d) {
            return new FileDigit(index, file, d.digit(), d.confidence(), d.probabilities(), d.oodScore(),
                    d.notADigit(), d.input(), null, null);
        }

        static FileDigit failed(int index, String file, ErrorCode error, String message) {
            return new FileDigit(index, file, null, null, null, null, null, null, error.code(), message);
        }
    }

    /** One file of a multipart request to {@code /numbers}. */
    record FileNumber(int index, String file, String text, Double confidence, Double oodScore,
                      @JsonProperty("not_a_digit") Boolean notADigit, List<NumberDigit> digits, String error,
                      String message) {
        static FileNumber of(int index, String file, Number n) {
            return new FileNumber(index, file, n.text(), n.confidence(), n.oodScore(), n.notADigit(), n.digits(),
                    null, null);
        }

        static FileNumber failed(int index, String file, ErrorCode error, String message) {
            return new FileNumber(index, file, null, null, null, null, null, error.code(), message);
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

    /** The score, or null (left out of the JSON) when the model has no not-a-digit statistics (NaN). */
    private static Double score(double oodScore) {
        return Double.isNaN(oodScore) ? null : oodScore;
    }

    /** The verdict, or null with the score: without statistics there is none. */
    private static Boolean flag(double oodScore, boolean notADigit) {
        return Double.isNaN(oodScore) ? null : notADigit;
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
