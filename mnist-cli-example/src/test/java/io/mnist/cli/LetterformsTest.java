package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.Prediction;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15, kind 7: letterforms people write and MNIST's writers seldom did, drawn as pen strokes (a continental 1
 * with a long flag, with and without a foot; a closed-top 4; a 6 with a flat top; a 7 with a crossbar; a 9 whose
 * loop is open), each in 40 hands (size, width, slant, turn, pen, wobble, ink and paper vary), read by the bundled
 * model of each backend. The training recipe draws flags, flat tops and crossbars onto MNIST digits
 * ({@code Augmentation.letterforms()}), a raster change of MNIST's own images: nothing here is trained on.
 */
class LetterformsTest {
    private static final int SIZE = 112;
    private static final int PER_FORM = 40;

    /** Each form as polylines in a unit box, y down; the first character is the digit. */
    private static final String[] FORMS = {"1 flag", "1 flag and foot", "4 closed top", "6 flat top", "7 crossbar",
            "9 open loop"};

    @ParameterizedTest
    @ValueSource(strings = {"djl", "dl4j"})
    void theBundledModelReadsTheLetterformsMnistLacks(String backend) throws IOException {
        try (DigitClassifier clf = DigitClassifiers.pretrained(backend)) {
            Random random = new Random(1507);
            List<String> report = new ArrayList<>();
            for (String form : FORMS) {
                int right = 0;
                int marked = 0;
                for (int i = 0; i < PER_FORM; i++) {
                    Prediction p = clf.predict(draw(form, random));
                    right += p.digit() == form.charAt(0) - '0' ? 1 : 0;
                    marked += p.notADigit() ? 1 : 0;
                }
                report.add(form + ": " + right + " right, " + marked + " marked not a digit");
                assertThat(right).as("%s on %s (%s)", form, backend, report).isGreaterThanOrEqualTo(38);
                assertThat(marked).as("%s marked not a digit on %s (%s)", form, backend, report).isLessThanOrEqualTo(10);
            }
        }
    }

    private static double[][] strokes(String form) {
        return switch (form) {
            case "1 flag" -> new double[][] {{0.2, 0.38, 0.62, 0, 0.6, 1}};
            case "1 flag and foot" -> new double[][] {{0.2, 0.38, 0.62, 0, 0.6, 1}, {0.3, 1, 0.9, 1}};
            case "4 closed top" -> new double[][] {{0.65, 0, 0.1, 0.68, 0.92, 0.68}, {0.65, 0, 0.65, 1}};
            case "6 flat top" -> new double[][] {join(new double[] {0.85, 0.03, 0.3, 0.05},
                    arc(0.5, 0.72, 0.3, 0.28, 180, 540))};
            case "7 crossbar" -> new double[][] {{0.1, 0.05, 0.9, 0.05, 0.4, 1}, {0.35, 0.5, 0.85, 0.5}};
            case "9 open loop" -> new double[][] {arc(0.48, 0.3, 0.3, 0.28, 0, -290), {0.78, 0.28, 0.72, 1}};
            default -> throw new IllegalArgumentException(form);
        };
    }

    /** Points along an ellipse from {@code from} to {@code to} degrees (y down, so positive angles turn clockwise). */
    private static double[] arc(double cx, double cy, double rx, double ry, double from, double to) {
        int n = 25;
        double[] p = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double a = Math.toRadians(from + (to - from) * i / (n - 1));
            p[2 * i] = cx + rx * Math.cos(a);
            p[2 * i + 1] = cy + ry * Math.sin(a);
        }
        return p;
    }

    private static double[] join(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One hand: light paper, dark ink, a round pen; size, proportions, slant, turn and a smooth wobble vary. */
    private static BufferedImage draw(String form, Random random) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        int level = 225 + random.nextInt(31);
        g.setColor(new Color(level, level, Math.max(200, level - random.nextInt(20))));
        g.fillRect(0, 0, SIZE, SIZE);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        int ink = random.nextInt(60);
        g.setColor(new Color(ink, ink, ink + random.nextInt(90)));
        double height = SIZE * (0.55 + 0.25 * random.nextDouble());
        double width = height * (0.5 + 0.3 * random.nextDouble());
        AffineTransform at = new AffineTransform();
        at.translate(SIZE / 2.0, SIZE / 2.0);
        at.rotate(Math.toRadians((random.nextDouble() - 0.5) * 16));
        at.shear(-(random.nextDouble() - 0.3) * 0.4, 0);
        at.translate(-width / 2, -height / 2);
        at.scale(width, height);
        g.setStroke(new BasicStroke((float) (height * (0.06 + 0.06 * random.nextDouble())), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
        for (double[] line : strokes(form)) {
            Path2D.Double path = new Path2D.Double();
            double jx = 0;
            double jy = 0;
            for (int k = 0; k < line.length; k += 2) {
                jx = 0.7 * jx + (random.nextDouble() - 0.5) * 0.04;
                jy = 0.7 * jy + (random.nextDouble() - 0.5) * 0.04;
                if (k == 0) {
                    path.moveTo(line[k] + jx, line[k + 1] + jy);
                } else {
                    path.lineTo(line[k] + jx, line[k + 1] + jy);
                }
            }
            g.draw(at.createTransformedShape(path));
        }
        g.dispose();
        return image;
    }
}
