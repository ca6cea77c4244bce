package io.mnist.cli;

import io.mnist.api.DigitImage;
import io.mnist.api.ImagePreprocessor;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnist preprocess}: shows what the model sees: each image next to its 28x28 MNIST-style version. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Draw each image beside what the model sees after preprocessing (a PNG).")
final class PreprocessCommand extends Subcommand {
    private static final int TILE = 140;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Image files or folders of images.")
    List<Path> paths;
    @Option(names = "--output", paramLabel = "FILE", defaultValue = "mnist-out/preprocessing.png",
            description = "The PNG file to write, not a folder (default: ${DEFAULT-VALUE}).")
    Path output;
    @Option(names = "--columns", defaultValue = "4", description = "Pairs per row, 1 to 100 (default:"
            + " ${DEFAULT-VALUE}).")
    int columns;

    @Override
    public Integer call() throws IOException {
        if (columns < 1 || columns > 100) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--columns must be between 1 and"
                    + " 100, not " + columns);
        }
        if (java.nio.file.Files.isDirectory(output)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--output " + output + " is a"
                    + " folder; give the picture's file name, e.g. --output " + output.resolve("preprocessing.png"));
        }
        List<Path> files = PredictCommand.expandPaths(paths);
        int rows = (files.size() + columns - 1) / columns;
        BufferedImage sheet = new BufferedImage(columns * (2 * TILE + 20), rows * (TILE + 22) + 30,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(235, 235, 235));
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Each image as sent (left) and as the model sees it (right, 28x28)", 8, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int failed = 0;
        for (int i = 0; i < files.size(); i++) {
            int x = (i % columns) * (2 * TILE + 20) + 5;
            int y = 30 + (i / columns) * (TILE + 22);
            Path file = files.get(i);
            try {
                file = FileNames.recover(file);
            } catch (IOException e) {
                // read() below names it
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(shorten(FileNames.display(file.getFileName())), x, y + TILE + 14);
            try {
                BufferedImage image = PredictCommand.read(FileNames.recover(file));
                drawChecked(g, x, y);
                double scale = Math.min((double) TILE / image.getWidth(), (double) TILE / image.getHeight());
                int w = (int) Math.round(image.getWidth() * scale);
                int h = (int) Math.round(image.getHeight() * scale);
                g.drawImage(image, x + (TILE - w) / 2, y + (TILE - h) / 2, w, h, null);
                DigitImage digit = ImagePreprocessor.standard().preprocess(image);
                Pictures.draw(g, digit, x + TILE + 8, y, TILE / DigitImage.SIZE, false);
            } catch (IOException | IllegalArgumentException e) {
                failed++;
                err().println("mnist: " + FileNames.display(file) + ": " + e.getMessage());
                g.setColor(new Color(180, 0, 0));
                g.drawString("cannot use: " + shorten(String.valueOf(e.getMessage())), x + TILE + 8, y + TILE / 2);
            }
        }
        g.dispose();
        if (output.getParent() != null) {
            io.mnist.api.spi.FileWriteException.writing(output,
                    () -> java.nio.file.Files.createDirectories(output.getParent()));
        }
        Pictures.writePng(sheet, output);
        out().println("Wrote " + output);
        return failed > 0 ? MnistCli.EXIT_PARTIAL : 0;
    }

    /** A chequerboard under each image, so transparent canvas exports show as such. */
    private static void drawChecked(Graphics2D g, int x, int y) {
        for (int cy = 0; cy < TILE; cy += 10) {
            for (int cx = 0; cx < TILE; cx += 10) {
                g.setColor(((cx + cy) / 10) % 2 == 0 ? new Color(250, 250, 250) : new Color(215, 215, 215));
                g.fillRect(x + cx, y + cy, 10, 10);
            }
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
