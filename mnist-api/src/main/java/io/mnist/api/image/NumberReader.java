package io.mnist.api.image;

import io.mnist.api.DigitImage;
import io.mnist.api.EmptyImageException;
import io.mnist.api.InvalidImageException;
import io.mnist.api.NumberReading;
import io.mnist.api.Prediction;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a number from the ink of one row by segmentation through recognition (Casey and Lecolinet, "A survey of
 * methods and strategies in character segmentation", 1996): the ink is cut into pieces finer than digits, every
 * run of up to {@value #MAX_RUN} neighbouring pieces that could be one digit is classified, and the split of the row
 * into digits that the classifier finds most probable is chosen by dynamic programming.
 * <ol>
 *   <li>Pieces: {@link NumberSegmenter}'s digits, and those of them made of two or more strokes that are each as
 *       tall as a digit split into those strokes (the foot of a 1 running under the 0 of "10" joins the two into
 *       one group; here they are two pieces again). Small strokes (the bar of a 5, a dot) stay with their digit.</li>
 *   <li>Runs: a digit may be made of neighbouring pieces that touch or overlap (a broken 0, a 4 drawn in two
 *       strokes, a slanted 1 cut in two), never of pieces with paper between them.</li>
 *   <li>A split's weight is the product over its digits of the classifier's confidence times
 *       {@value #PER_DIGIT}, times {@code (0.9 / aspect)^2} for a digit wider than {@value #WIDE} times its height,
 *       and times {@value #IMPLAUSIBLE} for one far less tall than the row, wider than {@value #WIDEST} times its
 *       height, or missing most of the row's middle third (every digit of a row crosses it; the two halves of a
 *       slanted 1 cut apart do not). The heaviest split is read.</li>
 *   <li>A decimal point (or comma) between two digits ({@link NumberSegmenter.Row#points()}) is no digit's part: it
 *       is written as "." in the text between the digits it lies between; a minus sign, hyphen or colon
 *       ({@link NumberSegmenter.Row#marks()}) as "-" or ":" where it stands.</li>
 *   <li>{@link NumberReading#segmentation()} is the heaviest split's share of all splits' weight (the forward
 *       algorithm sums them), so a reading that another split would nearly equal is not reported as sure.</li>
 * </ol>
 */
public final class NumberReader {
    /** The most pieces one digit may be made of. */
    static final int MAX_RUN = 3;
    /** Each digit's weight factor: between two splits that read equally well, the one with fewer digits wins. */
    static final double PER_DIGIT = 0.8;
    /** The weight factor of a digit whose shape no digit has. */
    static final double IMPLAUSIBLE = 0.05;
    /**
     * Digits wider than this many times their height are rare: the weight falls with the square of the excess (a
     * "10" taken as one wide "0" loses to its two digits).
     */
    static final double WIDE = 0.9;
    /** A digit's width may be at most this many times its height. */
    static final double WIDEST = 1.3;
    /** A digit is at least this share of the row's height. */
    static final double SHORTEST = 0.45;
    /** Pieces closer than this share of the row's height touch, and may be one digit. */
    static final double TOUCHING = 0.06;

    private NumberReader() {
    }

    /**
     * Reads the number in {@code ink}.
     *
     * @param classify the classifier's batch prediction ({@code DigitClassifier::predictAll})
     * @throws EmptyImageException if no digit is found
     * @throws InvalidImageException of kind {@link InvalidImageException.Kind#SEVERAL_ROWS} if the ink lies in
     *                               several rows, one above the other ({@link Rows})
     */
    public static NumberReading read(InkImage ink, Function<List<DigitImage>, List<Prediction>> classify) {
        Rows.requireOne(ink);
        NumberSegmenter.Row row = NumberSegmenter.row(ink);
        List<Piece> pieces = pieces(row.digits());
        if (pieces.isEmpty()) {
            throw new EmptyImageException("No digits found in the image (" + ink.width() + "x" + ink.height() + ")");
        }
        int rowTop = pieces.stream().mapToInt(p -> p.box().y).min().orElse(0);
        int rowBottom = pieces.stream().mapToInt(p -> p.box().y + p.box().height).max().orElse(1);
        int rowHeight = Math.max(1, rowBottom - rowTop);
        int n = pieces.size();
        // Every run that may be a digit: from piece i, k pieces long.
        List<int[]> runs = new ArrayList<>();
        List<DigitImage> images = new ArrayList<>();
        List<Rectangle> boxes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int k = 1; k <= MAX_RUN && i + k <= n; k++) {
                if (k > 1 && !touching(pieces.get(i + k - 2), pieces.get(i + k - 1), rowHeight)) {
                    break;
                }
                List<InkImage.Component> parts = new ArrayList<>();
                Rectangle region = new Rectangle(pieces.get(i).region());
                for (int j = i; j < i + k; j++) {
                    parts.addAll(pieces.get(j).parts());
                    region.add(pieces.get(j).region());
                }
                try {
                    images.add(ink.digit(parts, region));
                } catch (EmptyImageException e) {
                    continue;
                }
                runs.add(new int[] {i, k});
                boxes.add(inkBox(ink, parts, region));
            }
        }
        List<Prediction> predictions = classify.apply(images);
        double[][] weight = new double[n][MAX_RUN + 1];
        Prediction[][] read = new Prediction[n][MAX_RUN + 1];
        Rectangle[][] where = new Rectangle[n][MAX_RUN + 1];
        for (int r = 0; r < runs.size(); r++) {
            int i = runs.get(r)[0];
            int k = runs.get(r)[1];
            Rectangle box = boxes.get(r);
            double w = predictions.get(r).confidence() * PER_DIGIT;
            double aspect = (double) box.width / Math.max(1, box.height);
            int middleTop = rowTop + rowHeight / 3;
            int middleBottom = rowTop + 2 * rowHeight / 3;
            int middle = Math.min(box.y + box.height, middleBottom) - Math.max(box.y, middleTop);
            if (box.height < SHORTEST * rowHeight || aspect > WIDEST || middle < 0.5 * (middleBottom - middleTop)) {
                w *= IMPLAUSIBLE;
            } else if (aspect > WIDE) {
                w *= (WIDE / aspect) * (WIDE / aspect);
            }
            weight[i][k] = w;
            read[i][k] = predictions.get(r);
            where[i][k] = box;
        }
        // best[j]: the heaviest split of the first j pieces; total[j]: all splits' weight together.
        double[] best = new double[n + 1];
        double[] total = new double[n + 1];
        int[] last = new int[n + 1];
        best[0] = 1;
        total[0] = 1;
        for (int j = 1; j <= n; j++) {
            for (int k = 1; k <= Math.min(MAX_RUN, j); k++) {
                double w = weight[j - k][k];
                if (w <= 0) {
                    continue;
                }
                total[j] += total[j - k] * w;
                if (best[j - k] * w > best[j]) {
                    best[j] = best[j - k] * w;
                    last[j] = k;
                }
            }
        }
        if (best[n] <= 0) {
            throw new EmptyImageException("No reading of the image (" + ink.width() + "x" + ink.height()
                    + ") splits it into digits");
        }
        List<NumberReading.Digit> digits = new ArrayList<>();
        for (int j = n; j > 0; j -= last[j]) {
            int k = last[j];
            digits.add(0, new NumberReading.Digit(read[j - k][k], where[j - k][k]));
        }
        return new NumberReading(text(digits, row.points(), row.marks()), digits, Math.min(1, best[n] / total[n]));
    }

    /**
     * The digits, with a "." between two digits where a point lies between their middles, and each sign where it
     * stands: before the first digit, or between two.
     */
    private static String text(List<NumberReading.Digit> digits, List<Rectangle> points,
                               List<NumberSegmenter.Mark> marks) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < digits.size(); i++) {
            double from = i == 0 ? Double.NEGATIVE_INFINITY : digits.get(i - 1).box().getCenterX();
            double to = digits.get(i).box().getCenterX();
            for (NumberSegmenter.Mark m : marks) {
                if (m.box().getCenterX() > from && m.box().getCenterX() < to) {
                    text.append(m.symbol());
                }
            }
            if (i > 0 && points.stream().anyMatch(p -> p.getCenterX() > from && p.getCenterX() < to)) {
                text.append('.');
            }
            text.append(digits.get(i).prediction().digit());
        }
        return text.toString();
    }

    /** One piece of the row: some strokes, and the columns of them it may take ink from. */
    private record Piece(List<InkImage.Component> parts, Rectangle region, Rectangle box) {
    }

    private static List<Piece> pieces(List<NumberSegmenter.Segment> segments) {
        int rowTop = Integer.MAX_VALUE;
        int rowBottom = 0;
        for (NumberSegmenter.Segment s : segments) {
            Rectangle b = InkImage.bounds(s.parts());
            rowTop = Math.min(rowTop, b.y);
            rowBottom = Math.max(rowBottom, b.y + b.height);
        }
        int rowHeight = Math.max(1, rowBottom - rowTop);
        List<Piece> out = new ArrayList<>();
        for (NumberSegmenter.Segment s : segments) {
            List<InkImage.Component> tall = s.parts().stream()
                    .filter(c -> c.bounds().height >= SHORTEST * rowHeight).toList();
            boolean columnCut = !s.region().contains(InkImage.bounds(s.parts()));
            if (tall.size() < 2 || columnCut) {
                out.add(new Piece(s.parts(), s.region(), s.region().intersection(InkImage.bounds(s.parts()))));
                continue;
            }
            // Strokes each as tall as a digit: each its own piece, small strokes going with the nearest one.
            List<List<InkImage.Component>> groups = new ArrayList<>();
            for (InkImage.Component t : tall) {
                List<InkImage.Component> g = new ArrayList<>();
                g.add(t);
                groups.add(g);
            }
            for (InkImage.Component c : s.parts()) {
                if (tall.contains(c)) {
                    continue;
                }
                int nearest = 0;
                double least = Double.MAX_VALUE;
                for (int t = 0; t < tall.size(); t++) {
                    double d = Math.abs(tall.get(t).bounds().getCenterX() - c.bounds().getCenterX());
                    if (d < least) {
                        least = d;
                        nearest = t;
                    }
                }
                groups.get(nearest).add(c);
            }
            for (List<InkImage.Component> g : groups) {
                Rectangle b = InkImage.bounds(g);
                out.add(new Piece(List.copyOf(g), b, b));
            }
        }
        out.sort(Comparator.comparingDouble(p -> p.box().getCenterX()));
        return out;
    }

    /** Whether two pieces touch or overlap in their columns, so that they may be one digit. */
    private static boolean touching(Piece a, Piece b, int rowHeight) {
        int gap = Math.max(b.box().x - (a.box().x + a.box().width), a.box().x - (b.box().x + b.box().width));
        return gap <= TOUCHING * rowHeight;
    }

    /** The box of the ink of {@code parts} inside {@code region}. */
    private static Rectangle inkBox(InkImage ink, List<InkImage.Component> parts, Rectangle region) {
        boolean[] mine = new boolean[parts.stream().mapToInt(InkImage.Component::id).max().orElse(0) + 1];
        for (InkImage.Component c : parts) {
            mine[c.id()] = true;
        }
        Rectangle r = region.intersection(new Rectangle(0, 0, ink.width(), ink.height()));
        int x0 = Integer.MAX_VALUE;
        int y0 = Integer.MAX_VALUE;
        int x1 = -1;
        int y1 = -1;
        for (int y = r.y; y < r.y + r.height; y++) {
            for (int x = r.x; x < r.x + r.width; x++) {
                int id = ink.labelAt(x, y);
                if (id > 0 && id < mine.length && mine[id]) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? new Rectangle(r) : new Rectangle(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }
}
