package io.mnist.api.image;

import io.mnist.api.InvalidImageException;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rows of writing, one above the other: a number is read from one row, so an image of several is reported rather
 * than read as a jumble of both. The strokes' vertical extents are joined where they overlap into bands; a band is a
 * row when its tallest stroke is at least {@value #ROW_HEIGHT} of the tallest stroke of all (a 5's bar lifted off
 * its body, a point, is not), and two rows are apart when paper at least {@value #GAP} of the shorter one's height
 * lies between them (the two loops of an 8 that do not quite meet are one digit).
 */
final class Rows {
    /** A band's tallest stroke, as a share of the tallest of all, for the band to be a row. */
    static final double ROW_HEIGHT = 0.5;
    /** The least paper between two rows, as a share of the shorter row's height. */
    static final double GAP = 0.2;

    private Rows() {
    }

    /** The rows of {@code ink}, top to bottom, as rectangles spanning the image's width. */
    static List<Rectangle> of(InkImage ink) {
        List<InkImage.Component> sorted = new ArrayList<>(ink.components());
        sorted.sort(Comparator.comparingInt(c -> c.bounds().y));
        int tallest = sorted.stream().mapToInt(c -> c.bounds().height).max().orElse(0);
        List<int[]> bands = new ArrayList<>(); // {top, bottom (exclusive), tallest stroke}
        for (InkImage.Component c : sorted) {
            Rectangle b = c.bounds();
            int[] last = bands.isEmpty() ? null : bands.get(bands.size() - 1);
            if (last != null && b.y < last[1]) {
                last[1] = Math.max(last[1], b.y + b.height);
                last[2] = Math.max(last[2], b.height);
            } else {
                bands.add(new int[] {b.y, b.y + b.height, b.height});
            }
        }
        List<Rectangle> rows = new ArrayList<>();
        for (int[] band : bands) {
            if (band[2] < ROW_HEIGHT * tallest) {
                continue;
            }
            Rectangle last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            int height = band[1] - band[0];
            if (last != null && band[0] - (last.y + last.height) < GAP * Math.min(height, last.height)) {
                last.add(new Rectangle(0, band[0], ink.width(), height));
            } else {
                rows.add(new Rectangle(0, band[0], ink.width(), height));
            }
        }
        return rows;
    }

    /**
     * @throws InvalidImageException of kind {@link InvalidImageException.Kind#SEVERAL_ROWS} if {@code ink} holds
     *                               more than one row, naming their rows of pixels
     */
    static void requireOne(InkImage ink) {
        List<Rectangle> rows = of(ink);
        if (rows.size() > 1) {
            StringBuilder where = new StringBuilder();
            for (Rectangle r : rows) {
                where.append(where.length() == 0 ? "" : ", ").append(r.y).append('-').append(r.y + r.height - 1);
            }
            throw new InvalidImageException(InvalidImageException.Kind.SEVERAL_ROWS, "The image (" + ink.width() + "x"
                    + ink.height() + ") holds " + rows.size() + " rows of writing, one above the other (pixel rows "
                    + where + " from the top); a number is read from one row. Crop the image to each row and read"
                    + " each crop.");
        }
    }
}
