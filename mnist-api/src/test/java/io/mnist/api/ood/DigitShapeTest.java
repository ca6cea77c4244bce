package io.mnist.api.ood;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitImage;
import io.mnist.api.ImagePreprocessor;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DigitShapeTest {

    /** The rules' claim: no MNIST digit, of the 60,000 training and 10,000 test images, is flat or a blot. */
    @Test
    void passesEveryMnistDigit() throws IOException {
        float[] pixels = new float[DigitImage.PIXELS];
        double highest = 0;
        int failed = 0;
        for (MnistDataset set : List.of(MnistData.train(), MnistData.test())) {
            for (int i = 0; i < set.size(); i++) {
                set.copyPixels(i, pixels, 0);
                double score = DigitShape.score(pixels, 0);
                highest = Math.max(highest, score);
                failed += score > 1 ? 1 : 0;
            }
        }
        assertThat(failed).as("MNIST digits scored as no digit's shape (highest score %.3f)", highest).isZero();
    }

    /**
     * Minus signs, hyphens and filled dots, drawn and preprocessed as a user's image is, fail the rules: every dash,
     * and all but 3 of 200 dots (the smallest and least round; measured 197 when the rules were set).
     */
    @Test
    void failsDashesAndDotsAsThePreprocessorFramesThem() {
        for (NonDigitImages.Kind kind : List.of(NonDigitImages.Kind.DASH, NonDigitImages.Kind.DOT)) {
            List<String> passed = new ArrayList<>();
            List<NonDigitImages.Sample> samples = NonDigitImages.generate(kind, 200, 11);
            for (NonDigitImages.Sample s : samples) {
                DigitImage image = ImagePreprocessor.standard().preprocess(s.image());
                double score = DigitShape.score(image.pixels(), 0);
                if (score <= 1) {
                    passed.add(String.format("%s (%.2f)", s.name(), score));
                }
            }
            assertThat(passed).as("%s images the rules let through, of %d", kind, samples.size())
                    .hasSizeLessThanOrEqualTo(kind == NonDigitImages.Kind.DOT ? 3 : 0);
        }
    }

    /** Dashes tilted 10-30 degrees, which the flat check lets through (a breaker's find), fail the tilted-dash rule. */
    @Test
    void failsDashesTiltedUpToThirtyDegrees() {
        for (int degrees : new int[] {-30, -20, -10, 10, 20, 30}) {
            for (int pen : new int[] {6, 10, 16}) {
                java.awt.image.BufferedImage b = new java.awt.image.BufferedImage(200, 200,
                        java.awt.image.BufferedImage.TYPE_INT_RGB);
                java.awt.Graphics2D g = b.createGraphics();
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, 200, 200);
                g.setColor(java.awt.Color.BLACK);
                g.setStroke(new java.awt.BasicStroke(pen, java.awt.BasicStroke.CAP_ROUND,
                        java.awt.BasicStroke.JOIN_ROUND));
                double t = Math.toRadians(degrees);
                g.drawLine((int) (100 - 55 * Math.cos(t)), (int) (100 + 55 * Math.sin(t)),
                        (int) (100 + 55 * Math.cos(t)), (int) (100 - 55 * Math.sin(t)));
                g.dispose();
                DigitImage image = ImagePreprocessor.standard().preprocess(b);
                assertThat(DigitShape.score(image.pixels(), 0)).as("a dash at %d degrees, pen %d", degrees, pen)
                        .isGreaterThan(1);
            }
        }
    }

    @Test
    void scoresAnEmptyImageAsNoDigitAndStaysFinite() {
        double score = DigitShape.score(new float[DigitImage.PIXELS], 0);
        assertThat(score).isGreaterThan(1).isFinite();
    }

    @Test
    void countsErosionsOfASolidSquare() {
        boolean[] on = new boolean[DigitImage.PIXELS];
        for (int y = 4; y < 24; y++) {
            for (int x = 4; x < 24; x++) {
                on[y * DigitImage.SIZE + x] = true;
            }
        }
        // A 20x20 square loses a ring per erosion, cross or square: 9 leave a 2x2 core, the 10th leaves nothing.
        assertThat(DigitShape.erosions(on)).isEqualTo(9);
        // A plus sign of strokes 5 wide: the cross leaves arms 3 wide, the square arms 1 wide, the next cross only
        // the pixel where they meet, and the square after it nothing.
        boolean[] plus = new boolean[DigitImage.PIXELS];
        for (int y = 4; y < 24; y++) {
            for (int x = 12; x < 17; x++) {
                plus[y * DigitImage.SIZE + x] = true;
                plus[x * DigitImage.SIZE + y] = true;
            }
        }
        assertThat(DigitShape.erosions(plus)).isEqualTo(3);
    }
}
