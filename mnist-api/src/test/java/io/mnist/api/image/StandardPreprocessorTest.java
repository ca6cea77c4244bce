package io.mnist.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mnist.api.DigitImage;
import io.mnist.api.EmptyImageException;
import io.mnist.api.ImagePreprocessor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class StandardPreprocessorTest {
    private final ImagePreprocessor pre = ImagePreprocessor.standard();

    /** A "7" drawn with a thick pen at the given place on a canvas. */
    static BufferedImage seven(int w, int h, int type, Color paper, Color ink, int x, int y, int size) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setComposite(java.awt.AlphaComposite.Src);
        g.setColor(paper);
        g.fillRect(0, 0, w, h);
        g.setColor(ink);
        g.setStroke(new BasicStroke(Math.max(2, size / 8f), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(x, y, x + size / 2, y);
        g.drawLine(x + size / 2, y, x + size / 5, y + size);
        g.dispose();
        return img;
    }

    static double[] centreOfMass(DigitImage d) {
        double m = 0;
        double cx = 0;
        double cy = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                m += d.pixel(x, y);
                cx += d.pixel(x, y) * x;
                cy += d.pixel(x, y) * y;
            }
        }
        return new double[] {cx / m, cy / m, m};
    }

    static int[] inkBox(DigitImage d) {
        int x0 = 28;
        int y0 = 28;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if (d.pixel(x, y) > 0.1f) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return new int[] {x0, y0, x1, y1};
    }

    @Test
    void darkInkOnLightPaperBecomesWhiteOnBlack() {
        DigitImage d = pre.preprocess(seven(200, 200, BufferedImage.TYPE_INT_RGB, Color.WHITE, Color.BLACK,
                60, 50, 100));
        assertThat(d.pixel(0, 0)).as("corner is background").isZero();
        assertThat(centreOfMass(d)[2]).as("there is ink").isGreaterThan(20);
    }

    @Test
    void polarityIsDecidedFromTheImage() {
        DigitImage darkOnLight = pre.preprocess(seven(120, 120, BufferedImage.TYPE_INT_RGB, Color.WHITE,
                Color.BLACK, 30, 20, 80));
        DigitImage lightOnDark = pre.preprocess(seven(120, 120, BufferedImage.TYPE_INT_RGB, Color.BLACK,
                Color.WHITE, 30, 20, 80));
        float[] a = darkOnLight.pixels();
        float[] b = lightOnDark.pixels();
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).as("pixel %d", i).isCloseTo(a[i], within(0.02f));
        }
    }

    @Test
    void cropsToTheInkAndScalesTheLongerSideTo20() {
        DigitImage small = pre.preprocess(seven(400, 300, BufferedImage.TYPE_INT_RGB, Color.WHITE, Color.BLACK,
                20, 30, 40));
        int[] box = inkBox(small);
        assertThat(box[3] - box[1] + 1).as("height of the ink, the longer side").isBetween(19, 21);
        assertThat(box[2] - box[0] + 1).as("width keeps the aspect ratio").isBetween(10, 16);
    }

    @Test
    void centresByCentreOfMassWhereverTheDigitWas() {
        for (int[] at : new int[][] {{5, 5}, {250, 180}, {120, 10}}) {
            DigitImage d = pre.preprocess(seven(400, 300, BufferedImage.TYPE_INT_RGB, Color.WHITE, Color.BLACK,
                    at[0], at[1], 100));
            double[] c = centreOfMass(d);
            assertThat(c[0]).as("x centre of mass for a digit at %s,%s", at[0], at[1]).isCloseTo(13.5, within(1.0));
            assertThat(c[1]).as("y centre of mass").isCloseTo(13.5, within(1.0));
        }
    }

    @Test
    void aTransparentCanvasExportUsesItsOpacity() {
        Color clear = new Color(0, 0, 0, 0);
        DigitImage black = pre.preprocess(seven(150, 150, BufferedImage.TYPE_INT_ARGB, clear, Color.BLACK,
                40, 30, 90));
        DigitImage white = pre.preprocess(seven(150, 150, BufferedImage.TYPE_INT_ARGB, clear, Color.WHITE,
                40, 30, 90));
        assertThat(centreOfMass(black)[2]).as("black strokes on a transparent canvas").isGreaterThan(20);
        assertThat(black).as("stroke colour does not matter on a transparent canvas").isEqualTo(white);
    }

    @Test
    void anOpaqueCardOnATransparentMarginIsPaperNotInk() {
        // A photo of a white card cut out onto a transparent margin: the opaque part is the paper, and the digit on it
        // departs from it too little (a thin pen) to make it a picture. Taking the opacity as ink read it as a 0.
        BufferedImage card = new BufferedImage(200, 200, BufferedImage.TYPE_INT_ARGB);
        BufferedImage flat = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        for (BufferedImage img : new BufferedImage[] {card, flat}) {
            Graphics2D g = img.createGraphics();
            g.setColor(img == card ? new Color(0, 0, 0, 0) : Color.WHITE);
            g.fillRect(0, 0, 200, 200);
            g.setColor(Color.WHITE);
            g.fillRect(30, 20, 140, 160);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawLine(75, 60, 125, 60);
            g.drawLine(125, 60, 95, 140);
            g.dispose();
        }
        DigitImage onCard = pre.preprocess(card);
        DigitImage onPaper = pre.preprocess(flat);
        double difference = 0;
        for (int i = 0; i < DigitImage.PIXELS; i++) {
            difference += Math.abs(onCard.pixels()[i] - onPaper.pixels()[i]) / DigitImage.PIXELS;
        }
        assertThat(difference).as("mean pixel difference from the same card on white paper").isLessThan(0.01);
        // A blank card is a blank image.
        BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(30, 20, 140, 160);
        g.dispose();
        assertThatThrownBy(() -> pre.preprocess(blank)).isInstanceOf(EmptyImageException.class);
    }

    @Test
    void readsSixteenBitGrayscale() {
        BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_USHORT_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 100, 100);
        g.setColor(Color.DARK_GRAY);
        g.fillRect(40, 20, 12, 60);
        g.dispose();
        DigitImage d = pre.preprocess(img);
        int[] box = inkBox(d);
        assertThat(box[3] - box[1] + 1).isBetween(19, 21);
    }

    @Test
    void aBlankImageIsAnErrorNotAGuess() {
        BufferedImage blank = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(new Color(240, 240, 235));
        g.fillRect(0, 0, 64, 48);
        g.dispose();
        assertThatThrownBy(() -> pre.preprocess(blank)).isInstanceOf(EmptyImageException.class)
                .hasMessage("The image (64x48) holds no ink: it is one flat colour. Send a dark digit on light paper"
                        + " or a light digit on a dark background.");
        BufferedImage clear = new BufferedImage(30, 30, BufferedImage.TYPE_INT_ARGB);
        assertThatThrownBy(() -> pre.preprocess(clear)).isInstanceOf(EmptyImageException.class);
    }

    @Test
    void specksOfNoiseAwayFromTheDigitDoNotMoveTheCrop() {
        BufferedImage clean = seven(300, 300, BufferedImage.TYPE_INT_RGB, Color.WHITE, Color.BLACK, 120, 100, 90);
        BufferedImage noisy = seven(300, 300, BufferedImage.TYPE_INT_RGB, Color.WHITE, Color.BLACK, 120, 100, 90);
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 60; i++) {
            int x = random.nextInt(300);
            int y = random.nextInt(300);
            noisy.setRGB(x, y, 0x101010);
            noisy.setRGB(Math.min(299, x + 1), y, 0x101010);
        }
        assertThat(inkBox(pre.preprocess(noisy))).as("ink box with 60 specks of noise")
                .isEqualTo(inkBox(pre.preprocess(clean)));
    }

    @Test
    void unevenLightIsNotTakenForInk() {
        BufferedImage clean = seven(300, 240, BufferedImage.TYPE_INT_RGB, Color.WHITE, new Color(40, 40, 40), 120, 70, 90);
        BufferedImage shaded = seven(300, 240, BufferedImage.TYPE_INT_RGB, Color.WHITE, new Color(40, 40, 40), 120, 70, 90);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 300; x++) {
                // A lamp to the top left: the far corner gets 40% less light.
                double light = 1 - 0.4 * (x / 300.0 + y / 240.0) / 2;
                int v = (int) Math.round((shaded.getRGB(x, y) & 0xFF) * light);
                shaded.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        int[] expected = inkBox(pre.preprocess(clean));
        int[] actual = inkBox(pre.preprocess(shaded));
        for (int i = 0; i < 4; i++) {
            assertThat(actual[i]).as("ink box side %d in a shaded image", i).isCloseTo(expected[i], within(1));
        }
    }
}
