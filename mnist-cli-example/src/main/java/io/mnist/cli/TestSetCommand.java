package io.mnist.cli;

import io.mnist.api.DigitImage;
import io.mnist.api.data.MnistData;
import io.mnist.api.data.MnistDataset;
import io.mnist.api.spi.FileWriteException;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnist testset}: makes images that look like what users send, to score preprocessing and models on.
 * Sources are MNIST <em>test</em> digits (never training images) and digits typed in handwriting-style fonts.
 * Each file's name ends with its answer: {@code -label7.png} for one digit, {@code -number2026.png} for a number,
 * which {@code mnist predict --score} reads back.
 *
 * <ul>
 *   <li>{@code paper/}: an MNIST test digit as ink on paper: any size and position, rotated, thinner or bolder
 *       strokes, uneven light, coloured ink, noise, blur, JPEG artefacts, sometimes light ink on a dark board;</li>
 *   <li>{@code canvas/}: the same as a transparent RGBA canvas export;</li>
 *   <li>{@code fonts/}: digits typed in the installed handwriting-style fonts, degraded the same way;</li>
 *   <li>{@code numbers/}: rows of 2 to 6 MNIST test digits, spaced unevenly, sometimes touching.</li>
 * </ul>
 */
@Command(name = "testset", mixinStandardHelpOptions = true,
        description = "Generate real-world-looking test images from MNIST test digits and handwriting fonts.")
final class TestSetCommand extends Subcommand {
    /** Handwriting-style fonts looked for; each is a Debian package (see README). */
    static final List<String> HANDWRITING_FONTS = List.of("Comic Neue", "DkgHandwriting", "Breip", "Because We Learn",
            "Because We Create", "Dancing Script", "femkeklaver", "Humor Sans", "Kaushan Script", "Klee One");

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "testset",
            description = "Folder to write into (default: ${DEFAULT-VALUE}).")
    Path output;
    @Option(names = "--digits", defaultValue = "300", description = "Images per single-digit set (default: ${DEFAULT-VALUE}).")
    int digits;
    @Option(names = "--numbers", defaultValue = "50", description = "Multi-digit images (default: ${DEFAULT-VALUE}).")
    int numbers;
    @Option(names = "--seed", defaultValue = "2026", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--first-test-image", defaultValue = "5000",
            description = "Use MNIST test images from this index on (default: ${DEFAULT-VALUE}).")
    int firstTestImage;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        MnistDataset test = MnistData.test();
        if (digits < 0 || numbers < 0 || firstTestImage < 0 || firstTestImage >= test.size()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--digits and --numbers must not be"
                    + " negative and --first-test-image must be 0.." + (test.size() - 1) + "; got " + digits + ", "
                    + numbers + ", " + firstTestImage);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int next = firstTestImage;
        for (String set : List.of("paper", "canvas")) {
            Path dir = folder(output.resolve(set));
            for (int i = 0; i < digits; i++) {
                int index = next++ % test.size();
                BufferedImage ink = upscale(test.image(index), random);
                write(dir, String.format("%04d-test%05d-label%d", i, index, test.label(index)),
                        set.equals("canvas") ? canvas(ink, random) : paper(List.of(ink), random), random,
                        !set.equals("canvas"));
            }
        }
        List<String> fonts = installedFonts();
        if (fonts.isEmpty()) {
            err().println("mnist: no handwriting-style font installed; fonts/ is skipped. Install some with:"
                    + " sudo apt-get install fonts-comic-neue fonts-dkg-handwriting fonts-breip fonts-bwht"
                    + " fonts-dancingscript fonts-femkeklaver fonts-humor-sans fonts-kaushanscript fonts-klee");
        } else {
            Path dir = folder(output.resolve("fonts"));
            for (int i = 0; i < digits; i++) {
                int digit = i % 10;
                String font = fonts.get(random.nextInt(fonts.size()));
                write(dir, String.format("%04d-%s-label%d", i, font.replace(' ', '_'), digit),
                        paper(List.of(typed(digit, font, random)), random), random, true);
            }
        }
        Path dir = folder(output.resolve("numbers"));
        for (int i = 0; i < numbers; i++) {
            int length = 2 + random.nextInt(5);
            List<BufferedImage> row = new ArrayList<>();
            StringBuilder answer = new StringBuilder();
            double size = 2 + random.nextDouble() * 3;
            for (int k = 0; k < length; k++) {
                int index = next++ % test.size();
                row.add(upscale(test.image(index), random, size));
                answer.append(test.label(index));
            }
            write(dir, String.format("%04d-number%s", i, answer), paper(row, random), random, true);
        }
        Path readme = output.resolve("README.txt");
        String text = String.format(Locale.ROOT,
                "Generated by: mnist testset --output %s --digits %d --numbers %d --seed %d --first-test-image %d%n"
                        + "Sources: MNIST t10k images from index %d on; fonts: %s%n"
                        + "Score with: mnist predict --score %s/paper (and canvas, fonts; numbers with --number)%n",
                output, digits, numbers, seed, firstTestImage, firstTestImage, fonts, output);
        FileWriteException.writing(readme, () -> Files.writeString(readme, text));
        out.printf("Wrote %d paper, %d canvas, %d font and %d number images into %s (fonts: %s)%n", digits, digits,
                fonts.isEmpty() ? 0 : digits, numbers, output, fonts.isEmpty() ? "none" : String.join(", ", fonts));
        return 0;
    }

    static List<String> installedFonts() {
        List<String> present = List.of(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames());
        return HANDWRITING_FONTS.stream().filter(present::contains).toList();
    }

    /** White-on-black ink of an MNIST digit, 2 to 8 times larger, thinner or bolder. */
    private static BufferedImage upscale(DigitImage d, SplittableRandom random) {
        return upscale(d, random, 2 + random.nextDouble() * 6);
    }

    private static BufferedImage upscale(DigitImage d, SplittableRandom random, double scale) {
        BufferedImage small = new BufferedImage(DigitImage.SIZE, DigitImage.SIZE, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < DigitImage.SIZE; y++) {
            for (int x = 0; x < DigitImage.SIZE; x++) {
                int v = Math.round(d.pixel(x, y) * 255);
                small.getRaster().setSample(x, y, 0, v);
            }
        }
        int size = (int) Math.round(DigitImage.SIZE * scale);
        BufferedImage big = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        var g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        double angle = Math.toRadians((random.nextDouble() * 2 - 1) * 15);
        g.rotate(angle, size / 2.0, size / 2.0);
        g.drawImage(small, 0, 0, size, size, null);
        g.dispose();
        int radius = (int) Math.round((random.nextDouble() * 2 - 0.6) * scale / 4);
        return radius == 0 ? big : morph(big, radius);
    }

    /** A digit typed in {@code font}, white on black, any size, slightly rotated. */
    private static BufferedImage typed(int digit, String font, SplittableRandom random) {
        int size = 40 + random.nextInt(140);
        BufferedImage img = new BufferedImage(size * 2, size * 2, BufferedImage.TYPE_BYTE_GRAY);
        var g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.setFont(new Font(font, random.nextInt(4) == 0 ? Font.BOLD : Font.PLAIN, size));
        g.rotate(Math.toRadians((random.nextDouble() * 2 - 1) * 10), size, size);
        var metrics = g.getFontMetrics();
        String text = String.valueOf(digit);
        g.drawString(text, size - metrics.stringWidth(text) / 2, size + metrics.getAscent() / 2 - metrics.getDescent() / 2);
        g.dispose();
        return img;
    }

    /** Dilates (radius > 0) or erodes (radius < 0) the ink with a square window. */
    private static BufferedImage morph(BufferedImage img, int radius) {
        int w = img.getWidth();
        int h = img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        int r = Math.abs(radius);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int best = radius > 0 ? 0 : 255;
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        int nx = Math.min(w - 1, Math.max(0, x + dx));
                        int ny = Math.min(h - 1, Math.max(0, y + dy));
                        int v = img.getRaster().getSample(nx, ny, 0);
                        best = radius > 0 ? Math.max(best, v) : Math.min(best, v);
                    }
                }
                out.getRaster().setSample(x, y, 0, best);
            }
        }
        return out;
    }

    /** Ink images laid out in a row on a page: paper and pen colours, uneven light, noise, blur. */
    private static BufferedImage paper(List<BufferedImage> inks, SplittableRandom random) {
        int gapMax = inks.size() > 1 ? inks.get(0).getWidth() / 3 : 0;
        int[] xs = new int[inks.size()];
        int width = 0;
        int height = 0;
        for (int k = 0; k < inks.size(); k++) {
            // MNIST digits sit in 20 of 28 pixels: a negative gap can make neighbours touch.
            int gap = k == 0 ? 0 : random.nextInt(gapMax + 1) - inks.get(k).getWidth() / 4;
            xs[k] = width + gap;
            width = xs[k] + inks.get(k).getWidth();
            height = Math.max(height, inks.get(k).getHeight());
        }
        int marginX = (int) (width * (0.05 + random.nextDouble() * 0.6 / inks.size()));
        int marginY = (int) (height * (0.05 + random.nextDouble() * 0.8));
        int pw = width + 2 * marginX + random.nextInt(marginX + 1);
        int ph = height + 2 * marginY + random.nextInt(marginY + 1);
        float[] ink = new float[pw * ph];
        int offsetY = marginY + random.nextInt(marginY + 1) / 2;
        for (int k = 0; k < inks.size(); k++) {
            BufferedImage im = inks.get(k);
            int ox = marginX + xs[k];
            int oy = offsetY + (height - im.getHeight()) / 2 + random.nextInt(Math.max(1, im.getHeight() / 10));
            for (int y = 0; y < im.getHeight(); y++) {
                for (int x = 0; x < im.getWidth(); x++) {
                    int px = ox + x;
                    int py = oy + y;
                    if (px >= 0 && py >= 0 && px < pw && py < ph) {
                        ink[py * pw + px] = Math.max(ink[py * pw + px], im.getRaster().getSample(x, y, 0) / 255f);
                    }
                }
            }
        }
        boolean board = random.nextInt(7) == 0;
        Color paper = board ? new Color(20 + random.nextInt(40), 40 + random.nextInt(40), 30 + random.nextInt(30))
                : new Color(200 + random.nextInt(56), 195 + random.nextInt(61), 180 + random.nextInt(76));
        Color pen = board ? new Color(230, 230, 225)
                : switch (random.nextInt(4)) {
                    case 0 -> new Color(20, 40, 140 + random.nextInt(80));
                    case 1 -> new Color(150 + random.nextInt(60), 20, 20);
                    default -> new Color(random.nextInt(70), random.nextInt(70), random.nextInt(70));
                };
        double lightX = (random.nextDouble() * 2 - 1) * 0.35;
        double lightY = (random.nextDouble() * 2 - 1) * 0.35;
        double noise = random.nextDouble() * 0.08;
        float[] blurred = random.nextInt(3) == 0 ? boxBlur(ink, pw, ph, 1 + random.nextInt(2)) : ink;
        BufferedImage page = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < ph; y++) {
            for (int x = 0; x < pw; x++) {
                double a = Math.min(1, blurred[y * pw + x] * (0.75 + 0.25 * random.nextDouble()));
                double light = 1 + lightX * (x / (double) pw - 0.5) * 2 + lightY * (y / (double) ph - 0.5) * 2;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int p = c == 0 ? paper.getRed() : c == 1 ? paper.getGreen() : paper.getBlue();
                    int q = c == 0 ? pen.getRed() : c == 1 ? pen.getGreen() : pen.getBlue();
                    double v = ((1 - a) * p + a * q) * light + gaussian(random) * noise * 255;
                    rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(v)));
                }
                page.setRGB(x, y, rgb);
            }
        }
        return page;
    }

    /** A canvas export: transparent background, the stroke opaque in one colour, edges anti-aliased by alpha. */
    private static BufferedImage canvas(BufferedImage ink, SplittableRandom random) {
        int margin = ink.getWidth() / 4 + random.nextInt(ink.getWidth());
        BufferedImage out = new BufferedImage(ink.getWidth() + 2 * margin, ink.getHeight() + 2 * margin,
                BufferedImage.TYPE_INT_ARGB);
        int rgb = random.nextBoolean() ? 0x000000 : random.nextInt(0x1000000);
        var g = out.createGraphics();
        g.setComposite(AlphaComposite.Clear);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.dispose();
        for (int y = 0; y < ink.getHeight(); y++) {
            for (int x = 0; x < ink.getWidth(); x++) {
                int alpha = ink.getRaster().getSample(x, y, 0);
                out.setRGB(margin + x, margin + y, (alpha << 24) | rgb);
            }
        }
        return out;
    }

    private static float[] boxBlur(float[] v, int w, int h, int r) {
        float[] out = new float[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                int n = 0;
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h) {
                            s += v[ny * w + nx];
                            n++;
                        }
                    }
                }
                out[y * w + x] = s / n;
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** PNG, or (for a third of paper images) JPEG at quality 30-95. */
    private static void write(Path dir, String name, BufferedImage image, SplittableRandom random, boolean mayJpeg)
            throws IOException {
        if (mayJpeg && random.nextInt(3) == 0) {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality((30 + random.nextInt(66)) / 100f);
            Path file = dir.resolve(name + ".jpg");
            FileWriteException.writing(file, () -> {
                try (java.io.OutputStream stream = Files.newOutputStream(file);
                     ImageOutputStream out = ImageIO.createImageOutputStream(stream)) {
                    writer.setOutput(out);
                    writer.write(null, new IIOImage(image, null, null), param);
                } finally {
                    writer.dispose();
                }
            });
        } else {
            Pictures.writePng(image, dir.resolve(name + ".png"));
        }
    }

    private static Path folder(Path dir) throws IOException {
        FileWriteException.writing(dir, () -> Files.createDirectories(dir));
        return dir;
    }
}
