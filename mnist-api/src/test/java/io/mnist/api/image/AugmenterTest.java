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
}
