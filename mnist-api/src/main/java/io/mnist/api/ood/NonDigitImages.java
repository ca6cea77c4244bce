package io.mnist.api.ood;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Images that are not digits, drawn in code so that any out-of-distribution score can be measured against them
 * without a data set: capital letters drawn as pen strokes by several simulated writers, letters set in Java's
 * logical fonts, ink stains and scribbles. Each is dark ink on light paper, {@value #SIZE}x{@value #SIZE} pixels, as
 * a photo or scan of one character would be before {@link io.mnist.api.image.StandardPreprocessor}.
 *
 * <p>The same seed gives the same images. The letters are those that no digit resembles (A, E, F, H, K, M, N, R,
 * W, X, Y); letters that people write like digits (O and 0, I and 1, S and 5, Z and 2, B and 8) are left out,
 * because no score on the image alone can tell them apart.
 */
public final class NonDigitImages {
    /** Width and height of every image, in pixels. */
    public static final int SIZE = 112;
    /** The letters drawn, as strokes and in fonts. */
    public static final String LETTERS = "AEFHKMNRWXY";

    /** What kind of non-digit an image is. */
    public enum Kind {
        /** A capital letter drawn with a pen: strokes of varying width, slant, proportions and wobble. */
        STROKE_LETTER,
        /** A capital letter set in one of Java's logical fonts (SansSerif, Serif, Monospaced, Dialog), plain or bold. */
        FONT_LETTER,
        /** An ink or coffee stain: one to three filled irregular blobs. */
        STAIN,
        /** A scribble: a smooth pen line through six to twelve random points. */
        SCRIBBLE,
        /** A dash: a minus sign or hyphen, one near-level pen stroke (within 5 degrees), alone on the paper. */
        DASH,
        /** A dot: one filled, slightly irregular dot of the pen or a marker, alone on the paper. */
        DOT
    }

    /**
     * One generated image.
     *
     * @param kind  what it is
     * @param name  a short description, e.g. {@code "letter X"}
     * @param image the picture, {@value #SIZE}x{@value #SIZE}, dark ink on light paper
     */
    public record Sample(Kind kind, String name, BufferedImage image) {
        public Sample {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(image, "image");
        }
    }

    private NonDigitImages() {
    }

    /**
     * {@code count} images of {@code kind}, the same for the same seed.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     * @return the images; empty for {@link Kind#FONT_LETTER} when the JVM has no font to draw with (a headless
     *         system without fonts)
     */
    public static List<Sample> generate(Kind kind, int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        Random random = new Random(seed ^ kind.ordinal() * 0x9E3779B97F4A7C15L);
        List<Sample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Sample s = switch (kind) {
                case STROKE_LETTER -> strokeLetter(LETTERS.charAt(i % LETTERS.length()), random);
                case FONT_LETTER -> fontLetter(LETTERS.charAt(i % LETTERS.length()), i / LETTERS.length(), random);
                case STAIN -> stain(random);
                case SCRIBBLE -> scribble(random);
                case DASH -> dash(random);
                case DOT -> dot(random);
            };
            if (s == null) {
                return List.of();
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** The strokes of each letter, as polylines of (x, y) points in a unit box, y down. */
    private static double[][] strokes(char letter) {
        return switch (letter) {
            case 'A' -> new double[][] {{0.1, 1, 0.5, 0, 0.9, 1}, {0.28, 0.62, 0.72, 0.62}};
            case 'E' -> new double[][] {{0.8, 0, 0.2, 0, 0.2, 1, 0.8, 1}, {0.2, 0.5, 0.7, 0.5}};
            case 'F' -> new double[][] {{0.8, 0, 0.2, 0, 0.2, 1}, {0.2, 0.48, 0.7, 0.48}};
            case 'H' -> new double[][] {{0.2, 0, 0.2, 1}, {0.8, 0, 0.8, 1}, {0.2, 0.5, 0.8, 0.5}};
            case 'K' -> new double[][] {{0.2, 0, 0.2, 1}, {0.8, 0, 0.2, 0.58}, {0.38, 0.45, 0.85, 1}};
            case 'M' -> new double[][] {{0.1, 1, 0.12, 0, 0.5, 0.65, 0.88, 0, 0.9, 1}};
            case 'N' -> new double[][] {{0.2, 1, 0.2, 0, 0.8, 1, 0.8, 0}};
            case 'R' -> new double[][] {{0.2, 1, 0.2, 0, 0.65, 0.02, 0.8, 0.14, 0.8, 0.36, 0.65, 0.48, 0.2, 0.5},
                    {0.45, 0.5, 0.85, 1}};
            case 'W' -> new double[][] {{0.02, 0, 0.25, 1, 0.5, 0.3, 0.75, 1, 0.98, 0}};
            case 'X' -> new double[][] {{0.15, 0, 0.85, 1}, {0.85, 0, 0.15, 1}};
            case 'Y' -> new double[][] {{0.12, 0, 0.5, 0.5, 0.88, 0}, {0.5, 0.5, 0.5, 1}};
            default -> throw new IllegalArgumentException("No strokes for " + letter);
        };
    }

    private static Sample strokeLetter(char letter, Random random) {
        BufferedImage image = paper(random);
        Graphics2D g = pen(image, random);
        double height = SIZE * (0.55 + 0.25 * random.nextDouble());
        double width = height * (0.6 + 0.5 * random.nextDouble());
        double slant = (random.nextDouble() - 0.5) * 0.5;
        double jitter = 0.05;
        AffineTransform at = new AffineTransform();
        at.translate(SIZE / 2.0, SIZE / 2.0);
        at.rotate(Math.toRadians((random.nextDouble() - 0.5) * 20));
        at.shear(-slant, 0);
        at.translate(-width / 2, -height / 2);
        at.scale(width, height);
        g.setStroke(new BasicStroke((float) (height * (0.06 + 0.08 * random.nextDouble())), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
        for (double[] line : strokes(letter)) {
            Path2D.Double path = new Path2D.Double();
            for (int i = 0; i < line.length; i += 2) {
                double x = line[i] + (random.nextDouble() - 0.5) * 2 * jitter;
                double y = line[i + 1] + (random.nextDouble() - 0.5) * 2 * jitter;
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            g.draw(at.createTransformedShape(path));
        }
        g.dispose();
        return new Sample(Kind.STROKE_LETTER, "letter " + letter, image);
    }

    private static final String[] FONTS = {Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG};

    private static Sample fontLetter(char letter, int variant, Random random) {
        BufferedImage image = paper(random);
        Graphics2D g = pen(image, random);
        try {
            Font font = new Font(FONTS[variant % FONTS.length], (variant / FONTS.length) % 2 == 0 ? Font.PLAIN
                    : Font.BOLD, (int) (SIZE * (0.6 + 0.2 * random.nextDouble())));
            g.setFont(font);
            FontMetrics metrics = g.getFontMetrics();
            String text = String.valueOf(letter);
            if (!font.canDisplay(letter) || metrics.stringWidth(text) <= 0) {
                return null;
            }
            int x = (SIZE - metrics.stringWidth(text)) / 2;
            int y = (SIZE - metrics.getHeight()) / 2 + metrics.getAscent();
            g.drawString(text, x, y);
            return new Sample(Kind.FONT_LETTER, "letter " + letter + " in " + font.getFontName(), image);
        } catch (RuntimeException | Error e) {
            // No font configuration in a bare headless JVM: no font letters rather than a failure.
            return null;
        } finally {
            g.dispose();
        }
    }

    private static Sample stain(Random random) {
        BufferedImage image = paper(random);
        Graphics2D g = pen(image, random);
        int blobs = 1 + random.nextInt(3);
        for (int b = 0; b < blobs; b++) {
            double cx = SIZE * (0.3 + 0.4 * random.nextDouble());
            double cy = SIZE * (0.3 + 0.4 * random.nextDouble());
            double radius = SIZE * (0.12 + 0.18 * random.nextDouble()) / Math.sqrt(blobs);
            g.fill(blob(random, cx, cy, radius, 12 + random.nextInt(10), 0.65, 0.6, 0.7));
        }
        g.dispose();
        return new Sample(Kind.STAIN, "stain of " + blobs + " blob" + (blobs > 1 ? "s" : ""), image);
    }

    private static Sample scribble(Random random) {
        BufferedImage image = paper(random);
        Graphics2D g = pen(image, random);
        int points = 6 + random.nextInt(7);
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = SIZE * (0.15 + 0.7 * random.nextDouble());
            y[i] = SIZE * (0.15 + 0.7 * random.nextDouble());
        }
        Path2D.Double path = new Path2D.Double();
        path.moveTo(x[0], y[0]);
        for (int i = 1; i + 1 < points; i++) {
            // Through the midpoints, bent towards each point: a smooth pen line, not a polygon.
            path.quadTo(x[i], y[i], (x[i] + x[i + 1]) / 2, (y[i] + y[i + 1]) / 2);
        }
        path.lineTo(x[points - 1], y[points - 1]);
        g.setStroke(new BasicStroke((float) (SIZE * (0.03 + 0.05 * random.nextDouble())), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
        g.draw(path);
        g.dispose();
        return new Sample(Kind.SCRIBBLE, "scribble through " + points + " points", image);
    }

    private static Sample dash(Random random) {
        BufferedImage image = paper(random);
        Graphics2D g = pen(image, random);
        double length = SIZE * (0.3 + 0.5 * random.nextDouble());
        double angle = Math.toRadians(-5 + 10 * random.nextDouble());
        double cx = SIZE * (0.4 + 0.2 * random.nextDouble());
        double cy = SIZE * (0.35 + 0.3 * random.nextDouble());
        double dx = Math.cos(angle) * length / 2;
        double dy = Math.sin(angle) * length / 2;
        Path2D.Double path = new Path2D.Double();
        path.moveTo(cx - dx, cy - dy);
        // A hand's stroke sags or rises a little in the middle.
        path.quadTo(cx, cy + SIZE * 0.01 * (random.nextDouble() - 0.5), cx + dx, cy + dy);
        g.setStroke(new BasicStroke((float) (SIZE * (0.02 + 0.05 * random.nextDouble())), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
        g.draw(path);
        g.dispose();
        return new Sample(Kind.DASH, String.format(java.util.Locale.ROOT, "dash %.0f px at %.1f degrees", length,
                Math.toDegrees(angle)), image);
    }

    private static Sample dot(Random random) {
        BufferedImage image = paper(random);
        Graphics2D g = pen(image, random);
        double radius = SIZE * (0.02 + 0.1 * random.nextDouble());
        double cx = SIZE * (0.35 + 0.3 * random.nextDouble());
        double cy = SIZE * (0.35 + 0.3 * random.nextDouble());
        Path2D.Double path = blob(random, cx, cy, radius, 16, 0.9, 0.2, 0.85);
        g.fill(path);
        g.dispose();
        return new Sample(Kind.DOT, String.format(java.util.Locale.ROOT, "dot %.0f px across", 2 * radius), image);
    }

    /**
     * A filled blot round {@code (cx, cy)}: {@code points} corners at radii drawn from {@code least} to
     * {@code least + range} times {@code radius}, each averaged with its neighbours (a blot's edge wobbles, it does
     * not spike), and squeezed across by a factor drawn from {@code squeeze} to 1.
     */
    private static Path2D.Double blob(Random random, double cx, double cy, double radius, int points, double least,
                                      double range, double squeeze) {
        double[] r = new double[points];
        for (int i = 0; i < points; i++) {
            r[i] = radius * (least + range * random.nextDouble());
        }
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < points; i++) {
            double rr = (r[(i + points - 1) % points] + 2 * r[i] + r[(i + 1) % points]) / 4;
            double a = 2 * Math.PI * i / points;
            double x = cx + rr * Math.cos(a) * (squeeze + (1 - squeeze) * random.nextDouble());
            double y = cy + rr * Math.sin(a);
            if (i == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        path.closePath();
        return path;
    }

    /** Light paper, not quite white. */
    private static BufferedImage paper(Random random) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        int level = 225 + random.nextInt(31);
        g.setColor(new Color(level, level, Math.max(200, level - random.nextInt(20))));
        g.fillRect(0, 0, SIZE, SIZE);
        g.dispose();
        return image;
    }

    /** An anti-aliased pen of dark ink, black to dark blue. */
    private static Graphics2D pen(BufferedImage image, Random random) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        int ink = random.nextInt(60);
        g.setColor(new Color(ink, ink, ink + random.nextInt(90)));
        return g;
    }
}
