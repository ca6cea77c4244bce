package io.mnist.server;

import io.mnist.api.image.DigitPictures;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;

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
        return DigitPictures.png(image);
    }

    /** A PNG of one flat colour: no ink. */
    static byte[] blankPng(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return DigitPictures.png(image);
    }

    /** The first part of a valid PNG: a damaged, truncated file. */
    static byte[] truncated(byte[] png) {
        return Arrays.copyOf(png, png.length / 2);
    }
}
