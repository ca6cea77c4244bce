package io.mnist.api.image;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits the ink of a one-row number into digits, left to right.
 * <ol>
 *   <li>components (specks already dropped by {@link InkImage}) sorted by their left edge;</li>
 *   <li>points set apart: a small mark low in the row, with paper between it and the digits on both sides, is a
 *       decimal point (or comma), not part of a digit ({@link Row#points()});</li>
 *   <li>signs set apart ({@link Row#marks()}): a short level stroke at the digits' middle height, clear of them, is
 *       a minus sign before the first digit or a hyphen between two; two dots one above the other between two
 *       digits are a colon ("12:30");</li>
 *   <li>pieces of one digit merged: a component whose columns mostly overlap its neighbour's belongs to it
 *       (the bar of a 5, a 4 drawn in two strokes, a broken stroke);</li>
 *   <li>touching digits split: a group much wider than the row is tall is cut into as many digits as its width
 *       suggests, each cut at the column with the least ink near where an even split would put it.</li>
 * </ol>
 */
public final class NumberSegmenter {
    /** Columns shared with the neighbour, as a share of the narrower piece, that make two pieces one digit. */
    static final double MERGE_OVERLAP = 0.5;
    /** A group less tall than this share of the row is a piece of a digit, not a digit. */
    static final double PIECE_HEIGHT = 0.5;
    /** A group wider than this times its height holds touching digits. */
    static final double TOUCHING_ASPECT = 1.2;
    /** A group this many times wider than the row's median group holds touching digits. */
    static final double WIDER_THAN_TYPICAL = 1.6;
    /** A point is at most this share of the row's height tall and wide. */
    static final double POINT = 0.3;
    /** A point's top lies in this lowest share of the row. */
    static final double POINT_LOW = 0.4;
    /** A speck (a piece too small to be a stroke) may be a point made with the pen from this share of its width. */
    static final double PEN_DOT_WIDTH = 0.6;
    /** More specks than this as large as a pen's dot make an image dusty: none of them is taken for a point. */
    static final int MOST_PEN_SIZED_SPECKS = 2;
    /** A colon's dot is at most this share of the row's height across. */
    static final double COLON_DOT = 0.35;
    /** A dash is at least this many times as wide as it is tall. */
    static final double DASH_ASPECT = 2;
    /** A dash is at least this share of the row's height wide (shorter is a speck or a point). */
    static final double DASH_LEAST_WIDTH = 0.2;
    /** A dash's middle lies between these shares of the digits' height, from their top. */
    static final double DASH_HIGHEST = 0.3;
    static final double DASH_LOWEST = 0.8;
    /** The width of one digit, as a share of the row's height, when splitting touching digits. */
    static final double DIGIT_ASPECT = 0.9;

    private NumberSegmenter() {
    }

    /**
     * One digit's place in the image.
     *
     * @param parts  the components it is made of
     * @param region the columns (and rows) it may take ink from
     */
    public record Segment(List<InkImage.Component> parts, Rectangle region) {
    }

    /**
     * A row's digits and the points between them.
     *
     * @param digits the digits, left to right
     * @param points the boxes of the decimal points (or commas) between digits, left to right; often empty
     */
    public record Row(List<Segment> digits, List<Rectangle> points, List<Mark> marks) {
        public Row {
            digits = List.copyOf(digits);
            points = points.stream().map(Rectangle::new).toList();
            marks = List.copyOf(marks);
        }

        /** A row without signs. */
        public Row(List<Segment> digits, List<Rectangle> points) {
            this(digits, points, List.of());
        }
    }

    /**
     * A sign that is not a digit, written into the number's text where it stands.
     *
     * @param symbol {@code '-'} for a minus sign or hyphen, {@code ':'} for a colon
     * @param box    where it is in the image, in pixels
     */
    public record Mark(char symbol, Rectangle box) {
        public Mark {
            box = new Rectangle(box);
        }

        @Override
        public Rectangle box() {
            return new Rectangle(box);
        }
    }

    /** The digits of {@code ink}, left to right, points left out. */
    public static List<Segment> segment(InkImage ink) {
        return row(ink).digits();
    }

    /** The digits of {@code ink}, left to right, and the points between them. */
    public static Row row(InkImage ink) {
        List<InkImage.Component> sorted = new ArrayList<>(ink.components());
        sorted.sort(Comparator.comparingInt(c -> c.bounds().x));
        List<List<InkImage.Component>> groups = new ArrayList<>();
        for (InkImage.Component c : sorted) {
            List<InkImage.Component> last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && overlaps(InkImage.bounds(last), c.bounds())) {
                last.add(c);
            } else {
                List<InkImage.Component> group = new ArrayList<>();
                group.add(c);
                groups.add(group);
            }
        }
        int rowHeight = groups.stream().mapToInt(g -> InkImage.bounds(g).height).max().orElse(1);
        List<Rectangle> points = points(groups, rowHeight);
        List<Mark> marks = signs(groups, rowHeight);
        penDots(ink, groups, rowHeight, points, marks);
        points.sort(Comparator.comparingInt(p -> p.x));
        marks.sort(Comparator.comparingInt(m -> m.box().x));
        mergeSmallPieces(groups, rowHeight);
        dropMarks(groups, rowHeight);
        // A digit's usual width in this row; narrow ones (a 1) do not count, or every 0 would look like two digits.
        int[] widths = groups.stream().map(InkImage::bounds).filter(b -> b.width >= 0.45 * b.height)
                .mapToInt(b -> b.width).sorted().toArray();
        int typicalWidth = widths.length == 0 ? (int) Math.round(DIGIT_ASPECT * rowHeight) : widths[widths.length / 2];
        List<Segment> out = new ArrayList<>();
        for (List<InkImage.Component> group : groups) {
            Rectangle box = InkImage.bounds(group);
            int height = Math.max(box.height, (int) Math.round(0.6 * rowHeight));
            // Wide for a digit, and, when the row has other digits to compare with, wide for this row's digits.
            boolean wide = box.width > TOUCHING_ASPECT * height
                    && (groups.size() < 3 || box.width > WIDER_THAN_TYPICAL * typicalWidth);
            if (wide) {
                double digitWidth = groups.size() < 3 ? DIGIT_ASPECT * height
                        : Math.max(typicalWidth, 0.5 * height);
                int pieces = Math.max(2, (int) Math.round(box.width / digitWidth));
                int from = box.x;
                for (int i = 1; i <= pieces; i++) {
                    int to = i == pieces ? box.x + box.width : cut(ink, group, box, box.x + box.width * i / pieces,
                            box.width / (3 * pieces));
                    out.add(new Segment(List.copyOf(group), new Rectangle(from, box.y, to - from, box.height)));
                    from = to;
                }
            } else {
                out.add(new Segment(List.copyOf(group), box));
            }
        }
        return new Row(out, points, marks);
    }

    /**
     * Takes the signs out of {@code groups} (sorted by left edge) and returns them, left to right: a dash (at least
     * {@value #DASH_ASPECT} times as wide as tall, no taller than {@value #POINT} of the row, at least
     * {@value #DASH_LEAST_WIDTH} of it wide, its middle between {@value #DASH_HIGHEST} and {@value #DASH_LOWEST} of
     * the digits' height) with a digit after it, or two small marks one above the other with paper between them and
     * a digit on each side; each clear of its neighbours' columns. The bar of a 4, a 5 or a 7 shares its digit's
     * columns, or lies at its top, and stays with it.
     */
    private static List<Mark> signs(List<List<InkImage.Component>> groups, int rowHeight) {
        int[] span = digitSpan(groups, rowHeight);
        int digitsHeight = span[1] - span[0];
        List<Mark> marks = new ArrayList<>();
        if (digitsHeight <= 0) {
            return marks;
        }
        for (int i = 0; i < groups.size(); i++) {
            List<InkImage.Component> g = groups.get(i);
            Rectangle b = InkImage.bounds(g);
            boolean apart = (i == 0 || right(groups.get(i - 1)) <= b.x)
                    && (i == groups.size() - 1 || b.x + b.width <= InkImage.bounds(groups.get(i + 1)).x);
            if (!apart) {
                continue;
            }
            double middle = (b.getCenterY() - span[0]) / digitsHeight;
            boolean dash = b.width >= DASH_ASPECT * b.height && b.height <= POINT * rowHeight
                    && b.width >= DASH_LEAST_WIDTH * rowHeight && b.width <= WIDER_THAN_TYPICAL * rowHeight
                    && middle >= DASH_HIGHEST && middle <= DASH_LOWEST && tallAfter(groups, i, rowHeight);
            if (dash) {
                marks.add(new Mark('-', b));
                groups.remove(i--);
                continue;
            }
            if (g.size() == 2 && tallOnBothSides(groups, i, rowHeight)
                    && colon(g.get(0).bounds(), g.get(1).bounds(), span, rowHeight)) {
                marks.add(new Mark(':', b));
                groups.remove(i--);
                continue;
            }
            // In slanted writing a colon's dots share too few columns to be one group: two neighbouring groups.
            if (g.size() == 1 && i + 1 < groups.size() && groups.get(i + 1).size() == 1
                    && (i + 2 == groups.size() || right(groups.get(i + 1))
                    <= InkImage.bounds(groups.get(i + 2)).x)
                    && tallOnBothSides(groups, i, rowHeight) && tallAfter(groups, i + 1, rowHeight)
                    && colon(g.get(0).bounds(), groups.get(i + 1).get(0).bounds(), span, rowHeight)) {
                Rectangle both = new Rectangle(b);
                both.add(InkImage.bounds(groups.get(i + 1)));
                marks.add(new Mark(':', both));
                groups.remove(i + 1);
                groups.remove(i--);
            }
        }
        return marks;
    }

    /**
     * Whether two marks are a colon's dots: each no more than {@value #COLON_DOT} of the row's height across, one
     * above the other with paper between them at least half as tall as the smaller, at most as far apart sideways
     * as that gap (slanted writing), and within the digits' height.
     */
    private static boolean colon(Rectangle a, Rectangle b, int[] span, int rowHeight) {
        Rectangle upper = a.y <= b.y ? a : b;
        Rectangle lower = a.y <= b.y ? b : a;
        boolean dots = Math.max(Math.max(upper.width, upper.height), Math.max(lower.width, lower.height))
                <= COLON_DOT * rowHeight;
        int gap = lower.y - (upper.y + upper.height);
        boolean stacked = gap >= 0.5 * Math.min(upper.height, lower.height);
        int sideways = Math.max(0, Math.max(lower.x - (upper.x + upper.width), upper.x - (lower.x + lower.width)));
        boolean within = upper.y >= span[0] - POINT * rowHeight && lower.y + lower.height <= span[1]
                + POINT * rowHeight;
        return dots && stacked && sideways <= gap && within;
    }

    private static int right(List<InkImage.Component> group) {
        Rectangle b = InkImage.bounds(group);
        return b.x + b.width;
    }

    private static boolean tallAfter(List<List<InkImage.Component>> groups, int i, int rowHeight) {
        for (int j = i + 1; j < groups.size(); j++) {
            if (InkImage.bounds(groups.get(j)).height >= PIECE_HEIGHT * rowHeight) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the decimal points out of {@code groups} (sorted by left edge) and returns their boxes: a group no more
     * than {@value #POINT} of the row's height tall and wide, whose top lies in the lowest {@value #POINT_LOW} of the
     * row (a 5's or a 7's bar lies at the top), with a group as tall as a digit somewhere on each side and paper
     * between it and its neighbours on both sides.
     */
    private static List<Rectangle> points(List<List<InkImage.Component>> groups, int rowHeight) {
        int[] span = digitSpan(groups, rowHeight);
        int top = span[0];
        int bottom = span[1];
        List<Rectangle> points = new ArrayList<>();
        for (int i = 1; i < groups.size() - 1; i++) {
            Rectangle b = InkImage.bounds(groups.get(i));
            Rectangle before = InkImage.bounds(groups.get(i - 1));
            Rectangle after = InkImage.bounds(groups.get(i + 1));
            boolean small = b.height <= POINT * rowHeight && b.width <= POINT * rowHeight;
            boolean low = b.y >= bottom - POINT_LOW * (bottom - top);
            boolean apart = before.x + before.width <= b.x && b.x + b.width <= after.x;
            if (small && low && apart && tallOnBothSides(groups, i, rowHeight)) {
                points.add(b);
                groups.remove(i);
                i--;
            }
        }
        return points;
    }

    /**
     * The specks that are a point or a colon made with the pen: at least {@value #PEN_DOT_WIDTH} of the pen's width
     * across both ways (and 2 pixels), no more than {@value #POINT} of the row's height, filling half its box, clear
     * of every group's columns, with a group as tall as a digit on each side. Two such specks one above the other
     * are a colon (added to {@code marks}); else exactly one, low in the row, is a point (added to {@code points}).
     * A pen's dot can hold under {@value Components#SPECK} of the pixels of the largest stroke and so be dropped as
     * a speck. Dust is told from it by number: when more than {@value #MOST_PEN_SIZED_SPECKS} specks anywhere are as
     * large as a pen's dot, or more would be a point, the image is dusty and none is taken.
     */
    private static void penDots(InkImage ink, List<List<InkImage.Component>> groups, int rowHeight,
                                List<Rectangle> points, List<Mark> marks) {
        List<InkImage.Component> specks = ink.specks();
        if (specks.isEmpty() || groups.size() < 2) {
            return;
        }
        Rectangle[] boxes = groups.stream().map(InkImage::bounds).toArray(Rectangle[]::new);
        double least = Math.max(2, PEN_DOT_WIDTH * penWidth(ink, groups));
        int penSized = 0;
        for (InkImage.Component speck : specks) {
            Rectangle b = speck.bounds();
            if (Math.min(b.width, b.height) >= least && speck.area() >= 0.5 * b.width * b.height) {
                penSized++;
            }
        }
        if (penSized > MOST_PEN_SIZED_SPECKS) {
            return;
        }
        int[] span = digitSpan(groups, rowHeight);
        List<Rectangle> dots = new ArrayList<>();
        for (InkImage.Component speck : specks) {
            Rectangle b = speck.bounds();
            boolean penSizedDot = Math.min(b.width, b.height) >= least && speck.area() >= 0.5 * b.width * b.height
                    && Math.max(b.width, b.height) <= POINT * rowHeight;
            boolean within = b.y >= span[0] - POINT * rowHeight && b.y + b.height <= span[1] + POINT * rowHeight;
            if (!penSizedDot || !within) {
                continue;
            }
            boolean tallLeft = false;
            boolean tallRight = false;
            boolean clear = true;
            for (Rectangle gb : boxes) {
                boolean tall = gb.height >= PIECE_HEIGHT * rowHeight;
                if (gb.x + gb.width <= b.x) {
                    tallLeft |= tall;
                } else if (gb.x >= b.x + b.width) {
                    tallRight |= tall;
                } else {
                    clear = false;
                }
            }
            if (clear && tallLeft && tallRight) {
                dots.add(new Rectangle(b));
            }
        }
        if (dots.size() == 2) {
            dots.sort(Comparator.comparingInt(d -> d.y));
            Rectangle upper = dots.get(0);
            Rectangle lower = dots.get(1);
            boolean sameColumns = Math.min(upper.x + upper.width, lower.x + lower.width) > Math.max(upper.x, lower.x);
            if (sameColumns && lower.y - (upper.y + upper.height) >= Math.min(upper.height, lower.height)) {
                Rectangle both = new Rectangle(upper);
                both.add(lower);
                marks.add(new Mark(':', both));
                return;
            }
        }
        List<Rectangle> low = dots.stream().filter(b -> b.y >= span[1] - POINT_LOW * (span[1] - span[0])).toList();
        if (low.size() == 1) {
            points.add(low.get(0));
        }
    }

    /**
     * The width of the pen the row's largest stroke was written with, as {@link DigitFraming#strokeWidth} measures a
     * digit (its ink's area over half its outline), on that stroke's own pixels.
     */
    private static double penWidth(InkImage ink, List<List<InkImage.Component>> groups) {
        InkImage.Component largest = groups.stream().flatMap(List::stream)
                .max(Comparator.comparingInt(InkImage.Component::area)).orElseThrow();
        Rectangle b = largest.bounds();
        float[] mask = new float[b.width * b.height];
        for (int y = 0; y < b.height; y++) {
            for (int x = 0; x < b.width; x++) {
                mask[y * b.width + x] = ink.labelAt(b.x + x, b.y + y) == largest.id() ? 1f : 0f;
            }
        }
        double width = DigitFraming.strokeWidth(new Plane(b.width, b.height, mask));
        return width == 0 ? 1 : width;
    }

    /** The top and bottom (exclusive) of the groups as tall as a digit: where a row's digits stand. */
    private static int[] digitSpan(List<List<InkImage.Component>> groups, int rowHeight) {
        int top = Integer.MAX_VALUE;
        int bottom = 0;
        for (List<InkImage.Component> g : groups) {
            Rectangle b = InkImage.bounds(g);
            if (b.height >= PIECE_HEIGHT * rowHeight) {
                top = Math.min(top, b.y);
                bottom = Math.max(bottom, b.y + b.height);
            }
        }
        return new int[] {top, bottom};
    }

    private static boolean tallOnBothSides(List<List<InkImage.Component>> groups, int i, int rowHeight) {
        boolean left = false;
        boolean right = false;
        for (int j = 0; j < groups.size(); j++) {
            if (j != i && InkImage.bounds(groups.get(j)).height >= PIECE_HEIGHT * rowHeight) {
                left |= j < i;
                right |= j > i;
            }
        }
        return left && right;
    }

    /**
     * Takes out the groups less tall than {@value #PIECE_HEIGHT} of the row that no digit took in: a dot or a dash
     * after the number, a mark far from every digit. Read as digits they added one at 99%
     * ("1234" and a full stop read "12340"). The tallest group always stays.
     */
    private static void dropMarks(List<List<InkImage.Component>> groups, int rowHeight) {
        if (groups.size() > 1) {
            groups.removeIf(g -> InkImage.bounds(g).height < PIECE_HEIGHT * rowHeight);
        }
    }

    /**
     * Joins each group much shorter than the row (a lifted stroke, the bar of a 5 or a 7) to its nearest
     * neighbour: a digit spans most of the row's height, a piece of one does not.
     */
    private static void mergeSmallPieces(List<List<InkImage.Component>> groups, int rowHeight) {
        boolean merged = true;
        while (merged && groups.size() > 1) {
            merged = false;
            for (int i = 0; i < groups.size(); i++) {
                Rectangle box = InkImage.bounds(groups.get(i));
                if (box.height >= PIECE_HEIGHT * rowHeight) {
                    continue;
                }
                int best = -1;
                int bestGap = Integer.MAX_VALUE;
                for (int j = Math.max(0, i - 1); j <= Math.min(groups.size() - 1, i + 1); j++) {
                    if (j == i) {
                        continue;
                    }
                    Rectangle other = InkImage.bounds(groups.get(j));
                    int gap = Math.max(other.x - (box.x + box.width), box.x - (other.x + other.width));
                    if (gap < bestGap) {
                        bestGap = gap;
                        best = j;
                    }
                }
                if (best >= 0 && bestGap < 0.5 * rowHeight) {
                    groups.get(best).addAll(groups.remove(i));
                    merged = true;
                    break;
                }
            }
        }
    }

    private static boolean overlaps(Rectangle a, Rectangle b) {
        int shared = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        return shared > MERGE_OVERLAP * Math.min(a.width, b.width);
    }

    /** The column near {@code centre} (within {@code reach}) with the least ink of the group. */
    private static int cut(InkImage ink, List<InkImage.Component> group, Rectangle box, int centre, int reach) {
        boolean[] mine = new boolean[group.stream().mapToInt(InkImage.Component::id).max().orElse(0) + 1];
        for (InkImage.Component c : group) {
            mine[c.id()] = true;
        }
        int best = centre;
        double least = Double.MAX_VALUE;
        for (int x = Math.max(box.x + 1, centre - reach); x <= Math.min(box.x + box.width - 1, centre + reach); x++) {
            double column = 0;
            for (int y = box.y; y < box.y + box.height; y++) {
                int id = ink.labelAt(x, y);
                if (id > 0 && id < mine.length && mine[id]) {
                    column += ink.inkAt(x, y);
                }
            }
            double score = column + 0.01 * Math.abs(x - centre);
            if (score < least) {
                least = score;
                best = x;
            }
        }
        return best;
    }
}
