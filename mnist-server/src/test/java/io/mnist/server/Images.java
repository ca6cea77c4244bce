package io.mnist.server;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Images made for the tests. */
final class Images {
    private Images() {
    }

    /** A white PNG of the given size with one thick black stroke, so that it holds ink. */
    static byte[] strokePng(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(Math.max(2, width / 10f), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(width / 2, height / 5, width / 2, height * 4 / 5);
        g.dispose();
        return png(image);
    }

    /** A PNG of one flat colour: no ink. */
    static byte[] blankPng(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return png(image);
    }

    /** The first part of a valid PNG: a damaged, truncated file. */
    static byte[] truncated(byte[] png) {
        return Arrays.copyOf(png, png.length / 2);
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
