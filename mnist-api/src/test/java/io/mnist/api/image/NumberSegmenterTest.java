package io.mnist.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting rows of digits: separate, broken, touching, with noise. Rows are made from MNIST test digits. */
class NumberSegmenterTest {
    private static final int SCALE = 3;
    private final MnistDataset test = MnistData.test();

    /** MNIST test digits {@code indices} drawn dark on white, side by side, {@code gap} pixels apart (negative: overlapping). */
    BufferedImage row(int[] indices, int gap) {
        int cell = DigitImage.SIZE * SCALE;
        int width = 40 + indices.length * cell + (indices.length - 1) * gap;
        BufferedImage page = new BufferedImage(width, cell + 40, BufferedImage.TYPE_INT_RGB);
        float[] ink = new float[page.getWidth() * page.getHeight()];
        for (int k = 0; k < indices.length; k++) {
            DigitImage d = test.image(indices[k]);
            int ox = 20 + k * (cell + gap);
            for (int y = 0; y < cell; y++) {
                for (int x = 0; x < cell; x++) {
                    int i = (20 + y) * page.getWidth() + ox + x;
                    ink[i] = Math.max(ink[i], d.pixel(x / SCALE, y / SCALE));
                }
            }
        }
        for (int i = 0; i < ink.length; i++) {
            int v = 250 - Math.round(ink[i] * 230);
            page.setRGB(i % page.getWidth(), i / page.getWidth(), (v << 16) | (v << 8) | v);
        }
        return page;
    }

    static double correlation(DigitImage a, DigitImage b) {
        double sa = 0;
        double sb = 0;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        int n = DigitImage.PIXELS;
        for (int i = 0; i < n; i++) {
            double x = a.pixels()[i];
            double y = b.pixels()[i];
            sa += x;
            sb += y;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return (sab - sa * sb / n) / Math.sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
    }

    private List<DigitImage> digits(BufferedImage image) {
        InkImage ink = InkImage.of(image);
        return NumberSegmenter.segment(ink).stream().map(s -> ink.digit(s.parts(), s.region())).toList();
    }

    @Test
    void separateDigitsComeOutLeftToRightLookingAsTheyDoAlone() {
        int[] indices = {0, 1, 2, 3, 4, 5};
        List<DigitImage> digits = digits(row(indices, 12));
        assertThat(digits).hasSize(indices.length);
        for (int k = 0; k < indices.length; k++) {
            DigitImage alone = ImagePreprocessorHolder.standard(row(new int[] {indices[k]}, 0));
            assertThat(correlation(digits.get(k), alone)).as("digit %d of the row vs the same digit alone", k)
                    .isGreaterThan(0.95);
        }
    }

    @Test
    void everyRowOfTwoToSixDigitsSplitsIntoItsDigits() {
        int wrong = 0;
        int rows = 0;
        for (int start = 100; start < 400; start += 7) {
            int length = 2 + start % 5;
            int[] indices = new int[length];
            for (int k = 0; k < length; k++) {
                indices[k] = start + k;
            }
            rows++;
            int found = digits(row(indices, 4 + start % 9)).size();
            if (found != length) {
                wrong++;
                StringBuilder labels = new StringBuilder();
                for (int i : indices) {
                    labels.append(test.label(i));
                }
                System.out.printf("row %s (test images %d..): %d digits found%n", labels, start, found);
            }
        }
        assertThat(wrong).as("rows of %d split into the wrong number of digits", rows).isLessThanOrEqualTo(rows / 20);
    }

    @Test
    void touchingDigitsAreSplit() {
        int ok = 0;
        int rows = 0;
        for (int start = 500; start < 700; start += 10) {
            rows++;
            ok += digits(row(new int[] {start, start + 1, start + 2}, -18)).size() == 3 ? 1 : 0;
        }
        assertThat(ok).as("rows of three overlapping digits split into three, of %d", rows)
                .isGreaterThanOrEqualTo(rows * 3 / 4);
    }

    @Test
    void piecesOfOneDigitStayTogether() {
        BufferedImage page = new BufferedImage(200, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 200, 120);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(6, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        // A "5" whose top bar was lifted off the paper, and a "4" drawn in two strokes.
        g.drawLine(30, 20, 60, 20);
        g.drawLine(28, 28, 26, 55);
        g.drawArc(20, 50, 40, 45, 120, -240);
        g.drawLine(110, 20, 100, 70);
        g.drawLine(100, 70, 150, 70);
        g.drawLine(135, 30, 135, 100);
        g.dispose();
        assertThat(digits(page)).hasSize(2);
    }

    @Test
    void specksOfNoiseAreNotDigits() {
        BufferedImage page = row(new int[] {10, 11, 12}, 15);
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 40; i++) {
            page.setRGB(random.nextInt(page.getWidth()), random.nextInt(page.getHeight()), 0x202020);
        }
        assertThat(digits(page)).hasSize(3);
    }

    /** The single-digit path, for comparison. */
    static final class ImagePreprocessorHolder {
        static DigitImage standard(BufferedImage image) {
            return io.mnist.api.ImagePreprocessor.standard().preprocess(image);
        }
    }
}
