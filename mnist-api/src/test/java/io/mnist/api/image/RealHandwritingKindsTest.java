package io.mnist.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mnist.api.DigitImage;
import io.mnist.api.EmptyImageException;
import io.mnist.api.ImagePreprocessor;
import io.mnist.api.InvalidImageException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * One small case of each kind of failure seen on people's own handwriting (issue "real handwriting, round 2"), built
 * here rather than read from their files, through the public preprocessing only.
 */
class RealHandwritingKindsTest {
    private final ImagePreprocessor pre = ImagePreprocessor.standard();

    /** A canvas of {@code w x h} in one grey {@code paper}, for drawing on with anti-aliasing. */
    private static BufferedImage canvas(int w, int h, Color paper) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(paper);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D pen(BufferedImage img, Color ink, float width) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(ink);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        return g;
    }

    /** A ring ("0") of the given outer size and stroke width, centred on the canvas. */
    private static BufferedImage ring(BufferedImage img, Color ink, double size, float stroke) {
        Graphics2D g = pen(img, ink, stroke);
        double cx = img.getWidth() / 2.0;
        double cy = img.getHeight() / 2.0;
        double r = (size - stroke) / 2;
        g.draw(new Ellipse2D.Double(cx - r * 0.75, cy - r, 1.5 * r, 2 * r));
        g.dispose();
        return img;
    }

    /** Whether the paper inside a ring is enclosed: no path of pixels under 0.3 leads from the centre to the edge. */
    private static boolean enclosed(DigitImage d) {
        int[] centre = centreOfInkBox(d);
        boolean[] seen = new boolean[784];
        ArrayDeque<int[]> todo = new ArrayDeque<>();
        todo.add(centre);
        while (!todo.isEmpty()) {
            int[] p = todo.poll();
            int x = p[0];
            int y = p[1];
            if (x < 0 || y < 0 || x >= 28 || y >= 28) {
                return false;
            }
            if (seen[y * 28 + x] || d.pixel(x, y) >= 0.3f) {
                continue;
            }
            seen[y * 28 + x] = true;
            todo.add(new int[] {x + 1, y});
            todo.add(new int[] {x - 1, y});
            todo.add(new int[] {x, y + 1});
            todo.add(new int[] {x, y - 1});
        }
        return true;
    }

    private static int[] centreOfInkBox(DigitImage d) {
        int[] box = StandardPreprocessorTest.inkBox(d);
        return new int[] {(box[0] + box[2]) / 2, (box[1] + box[3]) / 2};
    }

    /** Area over half the outline of the pixels at 0.5 and over: about the width of a long stroke. */
    private static double strokeWidth(DigitImage d) {
        int area = 0;
        int sides = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if (d.pixel(x, y) >= 0.5f) {
                    area++;
                    sides += (x == 0 || d.pixel(x - 1, y) < 0.5f ? 1 : 0) + (x == 27 || d.pixel(x + 1, y) < 0.5f ? 1 : 0)
                            + (y == 0 || d.pixel(x, y - 1) < 0.5f ? 1 : 0) + (y == 27 || d.pixel(x, y + 1) < 0.5f ? 1 : 0);
                }
            }
        }
        return 2.0 * area / sides;
    }

    /** Pixels of the digit at or above {@code level}. */
    private static int count(DigitImage d, float level) {
        int n = 0;
        for (int i = 0; i < 784; i++) {
            n += d.pixel(i % 28, i / 28) >= level ? 1 : 0;
        }
        return n;
    }

    @Test
    void kind1ThickStrokesArriveFilled() {
        // A bold brush: the stroke is a third of the ring's width.
        BufferedImage img = ring(canvas(240, 240, Color.WHITE), Color.BLACK, 200, 45);
        DigitImage d = pre.preprocess(img);
        // Along the middle of the stroke (the ring of radius (size - stroke) / 2, scaled), every pixel is full ink.
        double scale = 20.0 / 200;
        double[] c = StandardPreprocessorTest.centreOfMass(d);
        int weak = 0;
        int samples = 0;
        for (int k = 0; k < 72; k++) {
            double a = Math.toRadians(k * 5);
            double r = (200 - 45) / 2.0 * scale;
            int x = (int) Math.round(c[0] + 0.75 * r * Math.cos(a));
            int y = (int) Math.round(c[1] + r * Math.sin(a));
            samples++;
            weak += d.pixel(x, y) < 0.9f ? 1 : 0;
        }
        assertThat(weak).as("pixels along the middle of a 45-pixel stroke below 0.9 (of %d)", samples).isZero();
        assertThat(enclosed(d)).as("the ring's hole stays paper").isTrue();
    }

    @Test
    void kind2AnImageAlreadyInMnistFormComesThroughUnchanged() {
        DigitImage once = pre.preprocess(ring(canvas(120, 160, Color.WHITE), Color.BLACK, 140, 16));
        BufferedImage asStored = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 784; i++) {
            asStored.getRaster().setSample(i % 28, i / 28, 0, Math.round(once.pixel(i % 28, i / 28) * 255));
        }
        DigitImage twice = pre.preprocess(asStored);
        for (int i = 0; i < 784; i++) {
            assertThat(twice.pixel(i % 28, i / 28)).as("pixel %d", i)
                    .isCloseTo(Math.round(once.pixel(i % 28, i / 28) * 255) / 255f, within(1.5f / 255));
        }
    }

    @Test
    void kind2NoInkIsInventedAtTheEdgesOfSmallHeavyDrawings() {
        // A heavy "8" filling a small white image almost to its edges, as paint programs save them.
        BufferedImage img = canvas(32, 32, Color.WHITE);
        Graphics2D g = pen(img, Color.BLACK, 5);
        g.drawOval(9, 2, 14, 13);
        g.drawOval(8, 15, 16, 15);
        g.dispose();
        DigitImage d = pre.preprocess(img);
        int[] box = StandardPreprocessorTest.inkBox(d);
        // The 8's ink box is 21 x 33 including the pen: taller than wide, so its height is the 20 pixels and its
        // width about 20 * 21 / 33 = 13.
        assertThat(box[3] - box[1] + 1).as("height").isEqualTo(20);
        assertThat(box[2] - box[0] + 1).as("width").isBetween(12, 15);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean inside = x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
                if (!inside) {
                    assertThat(d.pixel(x, y)).as("pixel (%d, %d) outside the digit", x, y).isZero();
                }
            }
        }
    }

    @Test
    void kind3DarkInkOnGreyPaperIsDarkInk() {
        // Paper at luminance 0.40, ink at 0.10: below 0.5 both, yet the ink is what departs from the paper.
        BufferedImage img = ring(canvas(100, 120, new Color(102, 102, 102)), new Color(26, 26, 26), 100, 8);
        DigitImage d = pre.preprocess(img);
        assertThat(enclosed(d)).as("the 0's inside is paper, not ink").isTrue();
        assertThat(count(d, 0.5f)).as("ink pixels: a ring, not a filled card").isBetween(40, 250);
    }

    @Test
    void kind4HairThinStrokesArriveAtMnistWidthAndFullStrength() {
        // A "4" drawn with a 1-pixel pen on a 320-pixel canvas.
        BufferedImage img = canvas(320, 320, Color.WHITE);
        Graphics2D g = pen(img, Color.BLACK, 1);
        g.drawLine(200, 40, 80, 200);
        g.drawLine(80, 200, 240, 200);
        g.drawLine(200, 40, 200, 290);
        g.dispose();
        DigitImage d = pre.preprocess(img);
        assertThat(count(d, 0.9f)).as("pixels at full strength").isGreaterThanOrEqualTo(30);
        double width = strokeWidth(d);
        assertThat(width).as("stroke width in the 28x28, by MNIST's estimate (median 1.84)").isBetween(1.2, 3.0);
    }

    @Test
    void kind5FaintPartsOfABlurredColourStrokeStayJoined() {
        // A small blurry phone crop of a blue "0" whose left side was written with less pressure.
        BufferedImage img = canvas(60, 80, new Color(235, 235, 225));
        Graphics2D g = pen(img, new Color(40, 60, 170), 3);
        g.drawArc(14, 10, 32, 58, -90, 180);
        g.setColor(new Color(170, 178, 215));
        g.drawArc(14, 10, 32, 58, 90, 180);
        g.dispose();
        float[] gauss = new float[25];
        for (int i = 0; i < 25; i++) {
            double dx = i % 5 - 2;
            double dy = i / 5 - 2;
            gauss[i] = (float) Math.exp(-(dx * dx + dy * dy) / (2 * 1.2 * 1.2));
        }
        float sum = 0;
        for (float v : gauss) {
            sum += v;
        }
        for (int i = 0; i < 25; i++) {
            gauss[i] /= sum;
        }
        BufferedImage blurred = new ConvolveOp(new Kernel(5, 5, gauss), ConvolveOp.EDGE_NO_OP, null).filter(img, null);
        DigitImage d = pre.preprocess(blurred);
        assertThat(enclosed(d)).as("the 0's loop is closed: its faint half is kept").isTrue();
        int[] box = StandardPreprocessorTest.inkBox(d);
        assertThat(box[2] - box[0] + 1).as("width: both halves of the 0").isGreaterThanOrEqualTo(9);
    }

    @Test
    void kind6AShadowsEdgeIsNotTheDigit() {
        BufferedImage lit = canvas(400, 300, new Color(215, 215, 210));
        Graphics2D g = pen(lit, new Color(50, 50, 60), 3);
        g.drawLine(250, 60, 240, 240); // a "1" in the lit part
        g.dispose();
        BufferedImage shaded = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 400; x++) {
                int v = lit.getRGB(x, y) & 0xFF;
                // A shadow wedge over the left part, with a sharp, slanted edge.
                boolean shadow = x < 120 + y / 3;
                int s = shadow ? (int) (v * 0.5) : v;
                shaded.setRGB(x, y, s << 16 | s << 8 | s);
            }
        }
        int[] expected = StandardPreprocessorTest.inkBox(pre.preprocess(lit));
        int[] actual = StandardPreprocessorTest.inkBox(pre.preprocess(shaded));
        for (int i = 0; i < 4; i++) {
            assertThat(actual[i]).as("ink box side %d under the shadow", i).isCloseTo(expected[i], within(1));
        }
    }

    @Test
    void kind6APhoneHeldSidewaysIsReadUpright() throws IOException {
        BufferedImage upright = StandardPreprocessorTest.seven(90, 120, BufferedImage.TYPE_INT_RGB, Color.WHITE,
                Color.BLACK, 25, 20, 80);
        // Stored as a phone stores it when held sideways: the pixels turned anticlockwise, orientation 6 in EXIF.
        BufferedImage stored = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 90; x++) {
                stored.setRGB(y, 89 - x, upright.getRGB(x, y));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(stored, "png", png);
        BufferedImage read = ImageDecoder.decode(ImageDecoderTest.withExifOrientation(png.toByteArray(), 6));
        assertThat(pre.preprocess(read)).isEqualTo(pre.preprocess(upright));
    }

    @Test
    void onlySpecksOfDustAreNoDigit() {
        BufferedImage img = canvas(200, 200, Color.WHITE);
        Random random = new Random(5);
        for (int i = 0; i < 30; i++) {
            img.setRGB(random.nextInt(200), random.nextInt(200), 0x202020);
        }
        assertThatThrownBy(() -> pre.preprocess(img)).isInstanceOf(EmptyImageException.class)
                .hasMessageContaining("specks")
                .isInstanceOfSatisfying(InvalidImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidImageException.Kind.EMPTY));
    }

    @Test
    void kind3AFrameAtTheImagesEdgeIsNotThePaper() {
        // A scan or a paint-program export with a dark frame drawn round it: the frame is the border, yet the paper
        // is what lies inside it. Thin and thick frames, on light and on dark paper.
        for (int frame : new int[] {1, 2, 6}) {
            for (boolean lightPaper : new boolean[] {true, false}) {
                Color paper = lightPaper ? Color.WHITE : Color.BLACK;
                Color ink = lightPaper ? Color.BLACK : Color.WHITE;
                BufferedImage plain = ring(canvas(100, 120, paper), ink, 90, 8);
                BufferedImage framed = ring(canvas(100, 120, paper), ink, 90, 8);
                Graphics2D g = framed.createGraphics();
                g.setColor(ink);
                for (int i = 0; i < frame; i++) {
                    g.drawRect(i, i, 99 - 2 * i, 119 - 2 * i);
                }
                g.dispose();
                DigitImage d = pre.preprocess(framed);
                assertThat(enclosed(d)).as("frame %d px, %s paper: the 0's inside is paper", frame,
                        lightPaper ? "light" : "dark").isTrue();
                assertThat(meanDifference(d, pre.preprocess(plain))).as("frame %d px, %s paper: as without it",
                        frame, lightPaper ? "light" : "dark").isLessThan(0.02);
            }
        }
    }

    @Test
    void marksAcrossAThinImageAreNotCalledOneFlatColour() {
        // A band of ink from edge to edge of a strip a pixel high has ink, but no paper round it: say that, not
        // "one flat colour"; a strip with nothing on it is one flat colour.
        for (int[] size : new int[][] {{20000, 1}, {200, 3}, {1, 300}}) {
            BufferedImage img = canvas(size[0], size[1], Color.WHITE);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.BLACK);
            if (size[0] > size[1]) {
                g.fillRect(size[0] * 4 / 10, 0, size[0] / 10, size[1]);
            } else {
                g.fillRect(0, size[1] * 4 / 10, size[0], size[1] / 10);
            }
            g.dispose();
            assertThatThrownBy(() -> pre.preprocess(img)).as("%dx%d", size[0], size[1])
                    .isInstanceOf(EmptyImageException.class)
                    .hasMessageContaining("has marks").hasMessageContaining("paper round it")
                    .hasMessageNotContaining("flat colour");
        }
        assertThatThrownBy(() -> pre.preprocess(canvas(20000, 1, Color.WHITE)))
                .isInstanceOf(EmptyImageException.class).hasMessageContaining("one flat colour");
    }

    private static double meanDifference(DigitImage a, DigitImage b) {
        double sum = 0;
        for (int i = 0; i < 784; i++) {
            sum += Math.abs(a.pixel(i % 28, i / 28) - b.pixel(i % 28, i / 28));
        }
        return sum / 784;
    }
}
