package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.image.ImageDecoder;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled models on images as people have them, on both backends: the shared set of people's own handwriting
 * ({@code ../shared/realworld}, beside the project as in CI), and MNIST's own test digits written as PNG files and
 * read back through the decoder and the preprocessing.
 */
class RealImagesTest {
    /**
     * The test digits scored as images: all 10,000, as the criterion reads (0.2 points of the tensors; at least 93%
     * at 8x8). Slices do not stand for the whole: with the session 9 model the first 1,000 and 2,000 put 4x upscaled
     * 0.30 points below the tensors (0.07 on the whole), and the first 5,000 put 8x8 at 92.06% (93.64% on the whole).
     */
    static final int SLICE = 10_000;
    private static final Pattern LABEL = Pattern.compile("-label(\\d)\\.[A-Za-z]+$");
    private static final Pattern NUMBER = Pattern.compile("-number(\\d+)\\.[A-Za-z]+$");

    static Path realWorld() {
        Path project = Path.of("").toAbsolutePath().getParent();
        Path images = project.resolveSibling("shared").resolve("realworld").resolve("images");
        assertThat(images).as("people's own handwriting, expected beside the project (../shared/realworld)")
                .isDirectory();
        return images;
    }

    static List<Path> files(Pattern name) throws IOException {
        try (Stream<Path> list = Files.list(realWorld())) {
            return list.filter(p -> name.matcher(p.getFileName().toString()).find()).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"djl", "dl4j"})
    void peoplesOwnDigitsAreRead(String backend) throws IOException {
        List<Path> digits = files(LABEL);
        List<Path> numbers = files(NUMBER);
        assertThat(digits).as("single digits in the shared set").hasSizeGreaterThan(150);
        assertThat(numbers).as("numbers in the shared set").isNotEmpty();
        List<String> wrong = new ArrayList<>();
        try (DigitClassifier clf = DigitClassifiers.pretrained(backend)) {
            for (Path f : digits) {
                Matcher m = LABEL.matcher(f.getFileName().toString());
                m.find();
                int answer = clf.predict(f).digit();
                if (answer != Integer.parseInt(m.group(1))) {
                    wrong.add(f.getFileName() + " read as " + answer);
                }
            }
            double accuracy = 1 - (double) wrong.size() / digits.size();
            System.out.printf("[real world] %s: %d of %d single digits right (%.2f%%); wrong: %s%n", backend,
                    digits.size() - wrong.size(), digits.size(), 100 * accuracy, wrong);
            assertThat(accuracy).as("single digits right; wrong: %s", wrong).isGreaterThanOrEqualTo(0.99);
            for (Path f : numbers) {
                Matcher m = NUMBER.matcher(f.getFileName().toString());
                m.find();
                assertThat(clf.readNumber(f).text()).as("the number in %s", f.getFileName()).isEqualTo(m.group(1));
            }
        }
    }

    /**
     * MNIST's test digits as PNG files: as stored, enlarged 4x, inverted (within 0.2 points of the tensors: 2 of the
     * 1,000), and at 8x8 (at least 93%).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"djl", "dl4j"})
    void mnistDigitsWrittenAsImagesScoreAsTheTensorsDo(String backend) throws IOException {
        MnistDataset test = MnistData.test().first(SLICE);
        try (DigitClassifier clf = DigitClassifiers.pretrained(backend)) {
            double tensors = clf.evaluate(test).accuracy();
            for (ImageVariant variant : ImageVariant.values()) {
                List<DigitImage> images = new ArrayList<>();
                for (int i = 0; i < test.size(); i++) {
                    images.add(clf.preprocessor().preprocess(ImageDecoder.decode(variant.png(test, i))));
                }
                int right = 0;
                var predictions = clf.predictAll(images);
                for (int i = 0; i < test.size(); i++) {
                    right += predictions.get(i).digit() == test.label(i) ? 1 : 0;
                }
                double accuracy = (double) right / test.size();
                System.out.printf("[as images] %s %s: %.2f%% (tensors %.2f%%)%n", backend, variant,
                        100 * accuracy, 100 * tensors);
                if (variant == ImageVariant.lowres) {
                    assertThat(accuracy).as("%s at 8x8", backend).isGreaterThanOrEqualTo(0.93);
                } else {
                    assertThat(accuracy).as("%s %s against %.4f on the tensors", backend, variant, tensors)
                            .isGreaterThanOrEqualTo(tensors - 0.002 - 1e-9);
                }
            }
        }
    }
}
