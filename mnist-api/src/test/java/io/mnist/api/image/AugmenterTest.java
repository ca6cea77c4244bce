package io.mnist.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mnist.api.Augmentation;
import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    private final float[] seven = MnistData.test().image(0).pixels();

    @Test
    void noAugmentationLeavesImagesAlone() {
        float[] copy = seven.clone();
        new Augmenter(Augmentation.NONE).apply(copy, 0, new SplittableRandom(1));
        assertThat(copy).isEqualTo(seven);
    }

    @Test
    void aShiftMovesTheCentreOfMassByThatMuch() {
        float[] copy = seven.clone();
        // With shift only, draws decide the direction; measure the shift the warp actually applied.
        Augmenter shiftOnly = new Augmenter(new Augmentation(2, 0, 1, 1, 0));
        SplittableRandom random = new SplittableRandom(5);
        shiftOnly.apply(copy, 0, random);
        // Rotation and scale are fixed, so they draw nothing: the first two draws are the shifts.
        SplittableRandom replay = new SplittableRandom(5);
        double dx = -2 + replay.nextDouble() * 4;
        double dy = -2 + replay.nextDouble() * 4;
        double[] before = StandardPreprocessorTest.centreOfMass(DigitImage.of(seven));
        double[] after = StandardPreprocessorTest.centreOfMass(DigitImage.of(copy));
        assertThat(after[0] - before[0]).as("x shift").isCloseTo(dx, within(0.15));
        assertThat(after[1] - before[1]).as("y shift").isCloseTo(dy, within(0.15));
    }

    @Test
    void standardAugmentationChangesImagesButKeepsThemDigits() {
        Augmenter augmenter = new Augmenter(Augmentation.standard());
        SplittableRandom random = new SplittableRandom(7);
        double[] before = StandardPreprocessorTest.centreOfMass(DigitImage.of(seven));
        for (int i = 0; i < 50; i++) {
            float[] copy = seven.clone();
            augmenter.apply(copy, 0, random);
            assertThat(copy).isNotEqualTo(seven);
            double[] after = StandardPreprocessorTest.centreOfMass(DigitImage.of(copy));
            assertThat(after[2] / before[2]).as("ink kept").isBetween(0.5, 1.7);
            assertThat(Math.hypot(after[0] - before[0], after[1] - before[1])).as("centre moved").isLessThan(3.5);
        }
    }

    @Test
    void theSameSeedGivesTheSameImages() {
        float[] a = seven.clone();
        float[] b = seven.clone();
        new Augmenter(Augmentation.standard()).apply(a, 0, new SplittableRandom(11));
        new Augmenter(Augmentation.standard()).apply(b, 0, new SplittableRandom(11));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void otherLetterformsAddInkWhereTheirStrokeGoesAndOnlyToOnesSixesAndSevens() {
        var test = MnistData.test();
        Augmenter letterformsOnly = new Augmenter(new Augmentation(0, 0, 1, 1, 0, 1));
        SplittableRandom random = new SplittableRandom(13);
        int[] seen = new int[10];
        for (int i = 0; i < 300; i++) {
            int label = test.label(i);
            float[] before = test.image(i).pixels();
            float[] after = before.clone();
            letterformsOnly.apply(after, 0, label, random);
            double added = 0;
            double addedLeftOfTopHalf = 0;
            double addedRightOfTopQuarter = 0;
            int[] box = inkBox(before);
            for (int p = 0; p < after.length; p++) {
                assertThat(after[p]).as("ink is only added").isGreaterThanOrEqualTo(before[p]);
                double d = after[p] - before[p];
                added += d;
                int x = p % DigitImage.SIZE;
                int y = p / DigitImage.SIZE;
                if (y <= (box[0] + box[1]) / 2 && x < meanInkX(before, box[0])) {
                    addedLeftOfTopHalf += d;
                }
                if (y <= box[0] + (box[1] - box[0]) / 4 && x > meanInkX(before, box[0])) {
                    addedRightOfTopQuarter += d;
                }
            }
            seen[label]++;
            switch (label) {
                // A third of the flagged 1s also get a foot, which adds ink at the bottom.
                case 1 -> assertThat(addedLeftOfTopHalf).as("a flag left of the top of 1 #%d", i)
                        .isGreaterThan(3);
                case 6 -> assertThat(addedRightOfTopQuarter).as("a bar right of the top of 6 #%d", i)
                        .isGreaterThan(0.6 * added).isGreaterThan(3);
                case 7 -> assertThat(added).as("a bar across 7 #%d", i).isGreaterThan(3);
                default -> assertThat(after).as("digit %d #%d unchanged", label, i).isEqualTo(before);
            }
        }
        assertThat(seen[1]).isGreaterThan(20);
        assertThat(seen[6]).isGreaterThan(20);
        assertThat(seen[7]).isGreaterThan(20);
        // Without letterforms the draws are the same as before they existed: old seeds give old images.
        float[] a = seven.clone();
        float[] b = seven.clone();
        new Augmenter(new Augmentation(2, 10, 0.9, 1.1, 0.33)).apply(a, 0, 7, new SplittableRandom(11));
        new Augmenter(new Augmentation(2, 10, 0.9, 1.1, 0.33)).apply(b, 0, new SplittableRandom(11));
        assertThat(a).isEqualTo(b);
    }

    /** Top and bottom rows holding ink above one half. */
    private static int[] inkBox(float[] pixels) {
        int top = -1;
        int bottom = -1;
        for (int p = 0; p < pixels.length; p++) {
            if (pixels[p] > 0.5f) {
                top = top < 0 ? p / DigitImage.SIZE : top;
                bottom = p / DigitImage.SIZE;
            }
        }
        return new int[] {top, bottom};
    }

    private static double meanInkX(float[] pixels, int row) {
        double sum = 0;
        int n = 0;
        for (int y = row; y <= row + 1; y++) {
            for (int x = 0; x < DigitImage.SIZE; x++) {
                if (pixels[y * DigitImage.SIZE + x] > 0.5f) {
                    sum += x;
                    n++;
                }
            }
        }
        return sum / n;
    }
}
