package io.mnist.server;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitImage;
import io.mnist.api.InvalidImageException;
import io.mnist.api.Prediction;
import io.mnist.api.image.ImageDecoder;
import io.mnist.api.image.ImageLimits;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the images of a request into answers through the public API only: {@link ImageDecoder} with the server's
 * {@link ImageLimits}, the classifier's own preprocessor, then {@code predict}/{@code predictAll} or
 * {@code readNumber}. A bad image among several gets its own error; the others are still answered.
 */
final class Recognizer {
    private final ImageLimits limits;

    Recognizer(ImageLimits limits) {
        this.limits = limits;
    }

    /** An image as sent: its name (may be null) and its encoded bytes. */
    record Upload(String name, byte[] bytes) {
    }

    /** @throws InvalidImageException if the image is refused or holds no ink */
    Answers.Digit digit(DigitClassifier model, byte[] encoded, boolean withInput) {
        DigitImage seen = model.preprocessor().preprocess(decode(encoded));
        return Answers.Digit.of(model.predict(seen), withInput ? seen : null);
    }

    /** One answer per upload, in order; the images that decode are predicted in one batch. */
    List<Answers.FileDigit> digits(DigitClassifier model, List<Upload> uploads, boolean withInput) {
        List<DigitImage> seen = new ArrayList<>();
        List<Integer> seenIndex = new ArrayList<>();
        Answers.FileDigit[] out = new Answers.FileDigit[uploads.size()];
        for (int i = 0; i < uploads.size(); i++) {
            Upload u = uploads.get(i);
            try {
                seen.add(model.preprocessor().preprocess(decode(u.bytes())));
                seenIndex.add(i);
            } catch (InvalidImageException e) {
                out[i] = Answers.FileDigit.failed(i, u.name(), ErrorCode.of(e.kind()), e.getMessage());
            }
        }
        List<Prediction> predictions = seen.isEmpty() ? List.of() : model.predictAll(seen);
        for (int k = 0; k < seen.size(); k++) {
            int i = seenIndex.get(k);
            out[i] = Answers.FileDigit.of(i, uploads.get(i).name(),
                    Answers.Digit.of(predictions.get(k), withInput ? seen.get(k) : null));
        }
        return List.of(out);
    }

    /** @throws InvalidImageException if the image is refused or holds no ink */
    Answers.Number number(DigitClassifier model, byte[] encoded) {
        return Answers.Number.of(model.readNumber(decode(encoded)));
    }

    /** One reading per upload, in order. */
    List<Answers.FileNumber> numbers(DigitClassifier model, List<Upload> uploads) {
        List<Answers.FileNumber> out = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            Upload u = uploads.get(i);
            try {
                out.add(Answers.FileNumber.of(i, u.name(), number(model, u.bytes())));
            } catch (InvalidImageException e) {
                out.add(Answers.FileNumber.failed(i, u.name(), ErrorCode.of(e.kind()), e.getMessage()));
            }
        }
        return out;
    }

    private BufferedImage decode(byte[] encoded) {
        return ImageDecoder.decode(encoded, limits);
    }
}
