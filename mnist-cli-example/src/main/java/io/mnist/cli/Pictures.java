package io.mnist.cli;

import io.mnist.api.DigitImage;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Grids of digits with captions, drawn with Java2D and written as PNG. */
final class Pictures {
    private static final int SCALE = 3;
    private static final int CELL = DigitImage.SIZE * SCALE;
    private static final int CAPTION = 18;
    private static final int GAP = 8;

    private Pictures() {
    }

    /**
     * A grid of digits, dark ink on white as people write them, each with a caption underneath.
     *
     * @param captionColors one colour per caption, or null for black
     */
    static void grid(Path file, String title, List<DigitImage> digits, List<String> captions,
                     List<Color> captionColors, int columns) throws IOException {
        int rows = Math.max(1, (digits.size() + columns - 1) / columns);
        int titleHeight = 30;
        int cellW = CELL + GAP;
        int cellH = CELL + CAPTION + GAP;
        BufferedImage out = new BufferedImage(columns * cellW + GAP, titleHeight + rows * cellH + GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, GAP, 21);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics metrics = g.getFontMetrics();
        for (int i = 0; i < digits.size(); i++) {
            int x0 = GAP + (i % columns) * cellW;
            int y0 = titleHeight + (i / columns) * cellH;
            draw(g, digits.get(i), x0, y0, SCALE, true);
            g.setColor(new Color(200, 200, 200));
            g.drawRect(x0, y0, CELL - 1, CELL - 1);
            String caption = captions.get(i);
            g.setColor(captionColors == null ? Color.BLACK : captionColors.get(i));
            g.drawString(caption, x0 + (CELL - metrics.stringWidth(caption)) / 2, y0 + CELL + 14);
        }
        g.dispose();
        writePng(out, file);
    }

    /**
     * Writes {@code image} as a PNG at {@code file}, refusing a folder there. (ImageIO's own file writing deletes an
     * empty folder in the way, and prints a stack trace for a full one.)
     */
    static void writePng(java.awt.image.RenderedImage image, java.nio.file.Path file) throws java.io.IOException {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "it is a folder; give a file name"
                    + " ending in .png, e.g. " + file.resolve("picture.png"));
        }
        io.mnist.api.spi.FileWriteException.writing(file, () -> {
            try (java.io.OutputStream stream = java.nio.file.Files.newOutputStream(file)) {
                ImageIO.write(image, "png", stream);
            }
        });
    }

    /**
     * Draws a digit with {@code cell}-pixel squares at {@code (x0, y0)}: as the model sees it (white on black), or
     * {@code inverted} as people write (dark on white).
     */
    static void draw(Graphics2D g, DigitImage digit, int x0, int y0, int cell, boolean inverted) {
        for (int y = 0; y < DigitImage.SIZE; y++) {
            for (int x = 0; x < DigitImage.SIZE; x++) {
                int v = Math.round(digit.pixel(x, y) * 255);
                v = inverted ? 255 - v : v;
                g.setColor(new Color(v, v, v));
                g.fillRect(x0 + x * cell, y0 + y * cell, cell, cell);
            }
        }
    }
}
