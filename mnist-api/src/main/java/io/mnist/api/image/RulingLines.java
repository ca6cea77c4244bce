package io.mnist.api.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Stage 4b of preprocessing, ruling lines: the printed or ruled lines of forms and exercise books found in the
 * thresholded ink and erased from the ink map, after which the background and the threshold are taken again
 * (a thin line would otherwise set the stroke width the background is measured with, and the threshold's levels), so that a digit written on a line or in a box is read as the digit alone and
 * a line under a number does not join its digits into one piece. What counts as a line:
 * <ul>
 *   <li>a <b>straight horizontal run</b> of ink at least {@value #MIN_RUN} pixels and half the ink's width long,
 *       in a band of rows no thicker than {@value #MAX_THICKNESS} of the height of the other ink
 *       ({@value #MAX_THROUGH_THICKNESS} for a line through the writing);</li>
 *   <li><b>under or over</b> the writing: at most {@value #BEYOND} of the other ink lies on its far side (or
 *       through it, see below);</li>
 *   <li>and either <b>longer than the writing is tall</b> ({@value #LONG} times the other ink's height), or
 *       <b>joining pieces</b>: without it, the ink beside it falls apart into two or more pieces at least
 *       {@value #PIECE} of the writing's height tall, and it spans {@value #JOIN_SPAN} of their width.</li>
 *   <li><b>Through</b> the writing (struck through, or a ruled line that writing larger than the ruling
 *       crosses): at least {@value #THROUGH_SIDE} of the other ink on each side, and {@value #LONG} times as long
 *       as the writing is tall, which a digit's own bar (of a 4, a crossed 7) never is.</li>
 *   <li>A line may slant (up to {@value #MAX_SLOPE}) as long as each of its rows still runs half the ink's width:
 *       a 5-pixel stroke across two digits 100 pixels tall may rise about 7 pixels over its length. When no such
 *       line is found in ink wider than tall, the ink is sheared at 2, 4, 6 and 8 degrees either way and searched
 *       again ({@link #slantedLines}), so a number struck through at a slant loses the stroke too.</li>
 *   <li>The <b>rules of a ruled or squared page</b>: {@value #RULES} or more straight, thin lines, each across
 *       {@value #PAGE} of the image, in either direction, wherever the writing lies ({@link #ruled}).</li>
 *   <li>A <b>box</b>: two such bands, top and bottom, of the same extent, joined at both ends by straight vertical
 *       runs, with ink inside; all four sides go.</li>
 * </ul>
 * A digit's own strokes do not pass these tests: the bar of a 7 or the base of a 2 is shorter than the digit is
 * tall and removing it leaves one piece; a 0 drawn square has nothing inside. Where a stroke crosses a line (ink
 * right above and right below it), the crossing pixels stay; a stroke that rests on the line loses the rows it
 * shares with the line (about 1% of MNIST's digits drawn on a line change visibly, see the tests). Lines elsewhere
 * (a margin rule, a line through a single digit, shorter than it is tall) are left alone.
 */
final class RulingLines {
    /** The shortest run, in pixels, that can be a line. */
    static final int MIN_RUN = 16;
    /** The shortest run as a share of the ink's width. */
    static final double MIN_SPAN = 0.5;
    /** The thickest band, as a share of the height of the other ink (or of a box). */
    static final double MAX_THICKNESS = 0.08;
    /**
     * The thickest line through the writing, as a share of the height of the other ink: a marker's stroke across
     * a number is as thick as its digits' strokes, often a tenth of their height, and a line through the writing
     * must meet stricter tests than one under it (ink on both sides, longer than the writing is tall).
     */
    static final double MAX_THROUGH_THICKNESS = 0.15;
    /** The shortest row of a band, as a share of the band's length: a ruled line is straight. */
    static final double STRAIGHT = 0.7;
    /** The most of the other ink that may lie beyond the line, as a share of its pixels. */
    static final double BEYOND = 0.05;
    /** Lines across this share of the image, {@value #RULES} or more of them, are a ruled page's rules. */
    static final double PAGE = 0.9;
    /** The fewest lines across the image that make a ruled page. */
    static final int RULES = 3;
    /** A rule's greatest thickness, as a share of its length. */
    static final double RULE_THICKNESS = 0.04;
    /** The steepest slant of a line, as rise over run (about 6 degrees). */
    static final double MAX_SLOPE = 0.1;
    /**
     * The slopes (rise over run, image rows growing downwards) at which {@link #slantedLines} looks for lines the
     * level search cannot follow: about 2, 4, 6 and 8 degrees either way, nearest first.
     */
    static final double[] SHEARS = {0.035, -0.035, 0.07, -0.07, 0.105, -0.105, 0.14, -0.14};
    /** The least share of its columns a slanted line covers. */
    static final double COVERED = 0.9;
    /** The least share of the other ink on each side of a line through the writing. */
    static final double THROUGH_SIDE = 0.2;
    /** A line at least this many times as long as the other ink is tall is a line whatever it touches. */
    static final double LONG = 1.2;
    /** The least height of a piece a line joins, as a share of the other ink's height. */
    static final double PIECE = 0.4;
    /** The least span of a joining line, as a share of the joined pieces' width. */
    static final double JOIN_SPAN = 0.8;
    /** Bands of one image whose joined pieces are labelled, at most: each labelling reads the whole image. */
    static final int MAX_JOIN_CHECKS = 4;
    /** Pixels above and below a removed run whose faint edge goes with it. */
    private static final int HALO = 2;

    private RulingLines() {
    }

    /** A horizontal run of ink in one row: columns {@code x0..x1}. */
    private record Run(int y, int x0, int x1) {
    }

    /**
     * Runs in consecutive rows that overlap: one line, horizontal or slightly slanted. Per column of
     * {@code x0..x1}: {@code top} and {@code bottom}, the band's first and last row there ({@code -1} for a column
     * no run covers).
     */
    private record Band(List<Run> runs, int y0, int y1, int x0, int x1, int[] top, int[] bottom) {
        int length() {
            return x1 - x0 + 1;
        }

        /**
         * The line's middle as {@code {offset, slope}}: row {@code offset + slope * (x - x0)} at column {@code x},
         * by least squares through its columns' middles; {@code null} if it covers fewer than two columns.
         */
        double[] middle() {
            double n = 0;
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < length(); i++) {
                if (top[i] >= 0) {
                    double y = (top[i] + bottom[i]) / 2.0;
                    n++;
                    sx += i;
                    sy += y;
                    sxx += (double) i * i;
                    sxy += i * y;
                }
            }
            if (n < 2) {
                return null;
            }
            double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
            return new double[] {(sy - slope * sx) / n, slope};
        }

        /** Whether every row of the band runs along most of its length: a horizontal line. */
        boolean level() {
            for (Run r : runs) {
                if (r.x1 - r.x0 + 1 < STRAIGHT * length()) {
                    return false;
                }
            }
            return true;
        }

        /** Columns of {@code x0..x1} that a run covers. */
        int covered() {
            int n = 0;
            for (int t : top) {
                if (t >= 0) {
                    n++;
                }
            }
            return n;
        }

        /** The line's thickness across it: the median over its columns of the rows it covers there. */
        int thickness() {
            int[] rows = new int[length()];
            int n = 0;
            for (int i = 0; i < rows.length; i++) {
                if (top[i] >= 0) {
                    rows[n++] = bottom[i] - top[i] + 1;
                }
            }
            if (n == 0) {
                return y1 - y0 + 1;
            }
            java.util.Arrays.sort(rows, 0, n);
            return rows[n / 2];
        }
    }

    /**
     * The pixels of the ruling lines in the ink {@code t} found, with their faint edges; {@code null} when there are
     * none, or when taking them out would leave no ink.
     */
    static boolean[] find(Threshold t) {
        return find(t, RULES);
    }

    /**
     * As {@link #find(Threshold)}, with {@code rules} lines across the image enough to make a ruled page: fewer on a
     * second look, once a ruled page's other rules are gone.
     */
    static boolean[] find(Threshold t, int rules) {
        Plane ink = t.ink();
        int w = ink.width();
        int h = ink.height();
        float[] v = ink.values();
        boolean[] mask = new boolean[v.length];
        int left = w;
        int right = -1;
        for (int i = 0; i < v.length; i++) {
            mask[i] = v[i] >= t.low() && v[i] > t.floor();
            if (mask[i]) {
                left = Math.min(left, i % w);
                right = Math.max(right, i % w);
            }
        }
        int minRun = Math.max(MIN_RUN, (int) Math.ceil(MIN_SPAN * (right - left + 1)));
        if (right - left + 1 < minRun) {
            return null;
        }
        List<Band> bands = bands(mask, w, h, minRun).stream().map(b -> grown(b, mask, w, h)).toList();
        boolean[] remove = new boolean[v.length];
        boolean any = ruled(bands, mask, w, h, remove, rules);
        // A squared page's columns: the same on the ink turned on its side, its horizontal rules already gone (so
        // that where rules cross nothing is left standing).
        boolean[] rest = mask.clone();
        for (int i = 0; i < rest.length; i++) {
            rest[i] &= !remove[i];
        }
        boolean[] turned = transposed(rest, w, h);
        boolean[] removeTurned = new boolean[v.length];
        List<Band> columns = bands(turned, h, w, (int) Math.ceil(PAGE * h)).stream()
                .map(b -> grown(b, turned, h, w)).toList();
        if (ruled(columns, turned, h, w, removeTurned, rules)) {
            boolean[] back = transposed(removeTurned, h, w);
            for (int i = 0; i < remove.length; i++) {
                remove[i] |= back[i];
            }
            any = true;
        }
        // Ink per row, summed from the top: what lies above, below and between lines in O(1) each, so that the
        // stage stays linear in the pixels however many lines a page has.
        long[] rowsAbove = new long[h + 1];
        for (int y = 0; y < h; y++) {
            int n = 0;
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x]) {
                    n++;
                }
            }
            rowsAbove[y + 1] = rowsAbove[y] + n;
        }
        int[] joinChecks = {MAX_JOIN_CHECKS};
        boolean lines = false;
        for (Band band : bands) {
            if (isLine(band, mask, rowsAbove, w, h, joinChecks)) {
                mark(band, mask, w, h, remove);
                lines = true;
            }
        }
        if (!any) {
            lines |= slantedLines(mask, w, h, left, right, minRun, joinChecks, remove);
        }
        any |= lines;
        any |= boxes(bands, mask, w, h, remove);
        if (!any) {
            return null;
        }
        boolean sureLeft = false;
        for (int i = 0; i < v.length && !sureLeft; i++) {
            sureLeft = !remove[i] && v[i] > t.high();
        }
        if (!sureLeft) {
            return null;
        }
        boolean[] out = remove.clone();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!remove[y * w + x]) {
                    continue;
                }
                // The line's faint edge (above the paper, below the threshold) goes with it.
                for (int dy = -HALO; dy <= HALO; dy++) {
                    for (int dx = -HALO; dx <= HALO; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h && v[ny * w + nx] < t.low()) {
                            out[ny * w + nx] = true;
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Lines slanted more than a level band can follow (a number struck through at 2-9 degrees, a tilted underline):
     * the ink is sheared so that a line of each slope in {@link #SHEARS} becomes level, and looked for as level lines
     * are; the slope whose lines hold the most pixels is taken, and those pixels are sheared back into
     * {@code remove} (beside any level line's, which may be the part of a slanted line that one level band held). Only
     * for ink wider than tall ({@value #LONG} times, as any line through or under writing is longer than the
     * writing is tall): a single digit costs nothing.
     *
     * @return whether a line was marked
     */
    private static boolean slantedLines(boolean[] mask, int w, int h, int left, int right, int minRun,
                                        int[] joinChecks, boolean[] remove) {
        int top = h;
        int bottom = -1;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                top = Math.min(top, i / w);
                bottom = Math.max(bottom, i / w);
            }
        }
        if (right - left + 1 < LONG * (bottom - top + 1) * (1 - MAX_THICKNESS)) {
            return false;
        }
        boolean[] best = null;
        int bestPixels = 0;
        int[] bestShift = null;
        int bestLeast = 0;
        for (double slope : SHEARS) {
            int[] shift = new int[w];
            int least = Integer.MAX_VALUE;
            int most = Integer.MIN_VALUE;
            for (int x = 0; x < w; x++) {
                shift[x] = (int) Math.round(-slope * (x - left));
                least = Math.min(least, shift[x]);
                most = Math.max(most, shift[x]);
            }
            int sh = h + most - least;
            boolean[] sheared = new boolean[w * sh];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (mask[y * w + x]) {
                        sheared[(y + shift[x] - least) * w + x] = true;
                    }
                }
            }
            long[] rowsAbove = new long[sh + 1];
            for (int y = 0; y < sh; y++) {
                int n = 0;
                for (int x = left; x <= right; x++) {
                    if (sheared[y * w + x]) {
                        n++;
                    }
                }
                rowsAbove[y + 1] = rowsAbove[y] + n;
            }
            boolean[] found = new boolean[w * sh];
            for (Band band : bands(sheared, w, sh, minRun)) {
                Band b = grown(band, sheared, w, sh);
                // Only across two digits or more side by side: a single digit's slanted bar (a 7's, a 2's base)
                // is no line (73 of MNIST's 10,000 test digits lost one without this).
                if (isLine(b, sheared, rowsAbove, w, sh, joinChecks)
                        && sideBySide(b, sheared, w, sh, PIECE * (bottom - top + 1)) >= 2) {
                    mark(b, sheared, w, sh, found);
                }
            }
            int pixels = 0;
            for (boolean f : found) {
                pixels += f ? 1 : 0;
            }
            if (pixels > bestPixels) {
                best = found;
                bestPixels = pixels;
                bestShift = shift;
                bestLeast = least;
            }
        }
        if (best == null) {
            return false;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                remove[y * w + x] |= best[(y + bestShift[x] - bestLeast) * w + x];
            }
        }
        return true;
    }

    /**
     * Marks the rules of a ruled or squared page: when at least {@code rules} straight, thin bands each run across
     * {@value #PAGE} of the image, they are the paper's printing wherever the writing lies (above, below or across
     * them), and all go. A digit has no such lines, however tightly it is cropped: at most one or two strokes of
     * it (a 7's bar, a 1's stem) run across the crop.
     *
     * @return whether any were marked
     */
    private static boolean ruled(List<Band> bands, boolean[] mask, int w, int h, boolean[] remove, int rules) {
        List<Band> across = bands.stream().filter(b -> b.length() >= PAGE * w && straight(b)
                && b.thickness() <= Math.max(2, RULE_THICKNESS * b.length())).toList();
        if (across.isEmpty() || across.size() < rules) {
            return false;
        }
        for (Band rule : across) {
            mark(rule, mask, w, h, remove);
        }
        return true;
    }

    /** {@code mask} of {@code w x h} with rows and columns swapped ({@code h x w}). */
    private static boolean[] transposed(boolean[] mask, int w, int h) {
        boolean[] out = new boolean[mask.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[x * h + y] = mask[y * w + x];
            }
        }
        return out;
    }

    /**
     * {@code inkMap} with the pixels of {@code lines} set to the paper's level there ({@code inkMap} less
     * {@code lifted}, the ink above the paper), as if the lines had never been drawn.
     */
    static Plane erase(Plane inkMap, Plane lifted, boolean[] lines) {
        float[] out = inkMap.values().clone();
        float[] above = lifted.values();
        for (int i = 0; i < out.length; i++) {
            if (lines[i]) {
                out[i] -= above[i];
            }
        }
        return new Plane(inkMap.width(), inkMap.height(), out);
    }

    /** Long horizontal runs, grouped into bands of consecutive overlapping rows. */
    private static List<Band> bands(boolean[] mask, int w, int h, int minRun) {
        List<List<Run>> open = new ArrayList<>();
        List<Band> done = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            List<Run> row = new ArrayList<>();
            int x = 0;
            while (x < w) {
                if (!mask[y * w + x]) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < w && mask[y * w + x]) {
                    x++;
                }
                if (x - start >= minRun) {
                    row.add(new Run(y, start, x - 1));
                }
            }
            List<List<Run>> next = new ArrayList<>();
            for (Run r : row) {
                List<Run> joined = null;
                for (List<Run> band : open) {
                    Run last = band.get(band.size() - 1);
                    int overlap = Math.min(last.x1, r.x1) - Math.max(last.x0, r.x0) + 1;
                    if (overlap >= 0.5 * Math.min(last.x1 - last.x0 + 1, r.x1 - r.x0 + 1)) {
                        joined = band;
                        break;
                    }
                }
                if (joined != null) {
                    open.remove(joined);
                    joined.add(r);
                    next.add(joined);
                } else {
                    List<Run> band = new ArrayList<>();
                    band.add(r);
                    next.add(band);
                }
            }
            for (List<Run> band : open) {
                done.add(band(band));
            }
            open = next;
        }
        for (List<Run> band : open) {
            done.add(band(band));
        }
        return done;
    }

    private static Band band(List<Run> runs) {
        int x0 = Integer.MAX_VALUE;
        int x1 = -1;
        for (Run r : runs) {
            x0 = Math.min(x0, r.x0);
            x1 = Math.max(x1, r.x1);
        }
        int[] top = new int[x1 - x0 + 1];
        int[] bottom = new int[x1 - x0 + 1];
        java.util.Arrays.fill(top, -1);
        java.util.Arrays.fill(bottom, -1);
        for (Run r : runs) {
            for (int x = r.x0; x <= r.x1; x++) {
                int i = x - x0;
                top[i] = top[i] < 0 ? r.y : Math.min(top[i], r.y);
                bottom[i] = Math.max(bottom[i], r.y);
            }
        }
        return new Band(List.copyOf(runs), runs.get(0).y, runs.get(runs.size() - 1).y, x0, x1, top, bottom);
    }

    /**
     * A slanted band with each column's extent grown to the ink it is part of there, where that ink is no more than
     * twice as thick as the band's rows: a slanted line's rows are each too short to be runs at its ends and edges,
     * yet they are the line. Where a stroke crosses or rests on the line the column keeps the band's own rows. A
     * level band is its runs.
     */
    private static Band grown(Band band, boolean[] mask, int w, int h) {
        if (band.level()) {
            return band;
        }
        int most = 2 * (band.y1 - band.y0 + 1);
        int[] top = band.top.clone();
        int[] bottom = band.bottom.clone();
        for (int i = 0; i < top.length; i++) {
            if (top[i] < 0) {
                continue;
            }
            int x = band.x0 + i;
            int a = top[i];
            while (a > 0 && mask[(a - 1) * w + x] && bottom[i] - a < most) {
                a--;
            }
            int b = bottom[i];
            while (b < h - 1 && mask[(b + 1) * w + x] && b - a < most) {
                b++;
            }
            if (b - a + 1 <= most) {
                top[i] = a;
                bottom[i] = b;
            }
        }
        return new Band(band.runs, band.y0, band.y1, band.x0, band.x1, top, bottom);
    }

    /**
     * Whether {@code band} is an underline or an overline of the other ink. The cheap tests (straight, thin, nothing
     * much beyond it, long) come first; the pieces it joins are labelled for at most {@code joinChecks[0]} more
     * bands of an image.
     */
    private static boolean isLine(Band band, boolean[] mask, long[] rowsAbove, int w, int h, int[] joinChecks) {
        if (!straight(band)) {
            return false;
        }
        int[] inBand = new int[band.y1 - band.y0 + 1];
        long bandPixels = 0;
        for (Run r : band.runs) {
            inBand[r.y - band.y0] += r.x1 - r.x0 + 1;
            bandPixels += r.x1 - r.x0 + 1;
        }
        long total = rowsAbove[h] - bandPixels;
        if (total == 0) {
            return false;
        }
        long above = rowsAbove[band.y0];
        long below = rowsAbove[h] - rowsAbove[band.y1 + 1];
        int top = firstRowOfOtherInk(band, rowsAbove, inBand, 0, h, 1);
        int bottom = firstRowOfOtherInk(band, rowsAbove, inBand, h - 1, -1, -1);
        if (band.thickness() > Math.max(2, MAX_THROUGH_THICKNESS * (bottom - top + 1))) {
            return false;
        }
        boolean under = below <= BEYOND * total;
        boolean over = above <= BEYOND * total;
        if ((under || over) && band.thickness() > Math.max(2, MAX_THICKNESS * (bottom - top + 1))) {
            return false;
        }
        if (!under && !over) {
            // Through the writing: struck through, or a ruled line the writing is larger than.
            boolean through = above >= THROUGH_SIDE * total && below >= THROUGH_SIDE * total
                    && band.length() >= LONG * (bottom - top + 1);
            if (!through || band.thickness() <= Math.max(2, MAX_THICKNESS * (bottom - top + 1))) {
                return through;
            }
            // As thick as a marker's stroke: only across two digits or more side by side, not a digit's own bar
            // (the long, heavy top bar of a 5, the base of a wide 0).
            return sideBySide(band, mask, w, h, PIECE * (bottom - top + 1)) >= 2;
        }
        int writing = under ? band.y0 - top : bottom - band.y1;
        if (band.length() >= LONG * writing) {
            return true;
        }
        if (joinChecks[0] <= 0) {
            return false;
        }
        joinChecks[0]--;
        // Pieces the line joins: the other ink on the writing's side, labelled without the line.
        boolean[] others = mask.clone();
        for (Run r : band.runs) {
            for (int x = r.x0; x <= r.x1; x++) {
                others[r.y * w + x] = false;
            }
        }
        Labelling pieces = Labelling.of(others, w, h);
        int tall = 0;
        int x0 = w;
        int x1 = -1;
        for (int id = 1; id <= pieces.count(); id++) {
            java.awt.Rectangle b = pieces.bounds()[id];
            boolean beside = under ? b.y < band.y0 : b.y + b.height - 1 > band.y1;
            boolean touches = b.x + b.width - 1 >= band.x0 && b.x <= band.x1;
            if (beside && touches && b.height >= PIECE * writing) {
                tall++;
                x0 = Math.min(x0, b.x);
                x1 = Math.max(x1, b.x + b.width - 1);
            }
        }
        return tall >= 2 && band.length() >= JOIN_SPAN * (x1 - x0 + 1);
    }

    /**
     * How many runs of neighbouring columns hold the other ink (without the band) with paper columns between them,
     * each spanning at least {@code least} rows: the digits a line crosses, standing side by side. One pass over
     * the pixels, no labelling.
     */
    private static int sideBySide(Band band, boolean[] mask, int w, int h, double least) {
        int count = 0;
        int runTop = Integer.MAX_VALUE;
        int runBottom = -1;
        for (int x = 0; x <= w; x++) {
            int colTop = Integer.MAX_VALUE;
            int colBottom = -1;
            if (x < w) {
                int i = x - band.x0;
                boolean inBand = i >= 0 && i < band.length() && band.top[i] >= 0;
                for (int y = 0; y < h; y++) {
                    // The band's rows and two more each side: a sheared line's stepped, faint edge is the line's.
                    if (mask[y * w + x] && !(inBand && y >= band.top[i] - 2 && y <= band.bottom[i] + 2)) {
                        colTop = Math.min(colTop, y);
                        colBottom = y;
                    }
                }
            }
            if (colBottom >= 0) {
                runTop = Math.min(runTop, colTop);
                runBottom = Math.max(runBottom, colBottom);
            } else if (runBottom >= 0) {
                count += runBottom - runTop + 1 >= least ? 1 : 0;
                runTop = Integer.MAX_VALUE;
                runBottom = -1;
            }
        }
        return count;
    }

    /** The first row from {@code from} in direction {@code step} holding ink that is not the band's. */
    private static int firstRowOfOtherInk(Band band, long[] rowsAbove, int[] inBand, int from, int end, int step) {
        for (int y = from; y != end; y += step) {
            long n = rowsAbove[y + 1] - rowsAbove[y];
            if (y >= band.y0 && y <= band.y1) {
                n -= inBand[y - band.y0];
            }
            if (n > 0) {
                return y;
            }
        }
        return from;
    }

    /**
     * Whether the band is a straight line, as a ruled or struck line is and a curve is not: every row of it runs
     * along most of its length (a horizontal line), or, for a slightly slanted one, it covers most of its columns
     * and their middles lie on one line of slope at most {@value #MAX_SLOPE}, within half the line's thickness and
     * a pixel.
     */
    private static boolean straight(Band band) {
        if (band.level()) {
            return true;
        }
        double[] middle = band.middle();
        if (middle == null || band.covered() < COVERED * band.length() || Math.abs(middle[1]) > MAX_SLOPE) {
            return false;
        }
        double tolerance = band.thickness() / 2.0 + 1;
        for (int i = 0; i < band.length(); i++) {
            if (band.top[i] >= 0
                    && Math.abs((band.top[i] + band.bottom[i]) / 2.0 - (middle[0] + middle[1] * i)) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /**
     * Marks a line for removal: in each of its columns, a level line's rows, or the ink within half a slanted line's
     * thickness and half a pixel of its middle (so that its stepped, anti-aliased edges go with it); but not where
     * a stroke crosses it:
     * ink right above and right below that stretch, within the line's thickness to either side (a slanted stroke
     * leaves the line a little to one side of where it enters).
     */
    private static void mark(Band band, boolean[] mask, int w, int h, boolean[] remove) {
        double[] middle = band.middle();
        double half = band.thickness() / 2.0 + 0.5;
        int reach = band.level() ? 0 : band.thickness();
        boolean level = band.level();
        for (int i = 0; i < band.length(); i++) {
            int x = band.x0 + i;
            int from = band.y0;
            int to = band.y1;
            if (!level && middle != null) {
                double centre = middle[0] + middle[1] * i;
                from = Math.max(0, (int) Math.ceil(centre - half));
                to = Math.min(h - 1, (int) Math.floor(centre + half));
                if (band.top[i] >= 0) {
                    from = Math.min(from, band.top[i]);
                    to = Math.max(to, band.bottom[i]);
                }
            }
            if (inkNear(mask, w, from - 1, x, reach) && inkNear(mask, w, to + 1, x, reach)) {
                continue;
            }
            for (int y = from; y <= to; y++) {
                if (mask[y * w + x]) {
                    remove[y * w + x] = true;
                }
            }
        }
    }

    /** Whether row {@code y} has ink within {@code reach} columns of {@code x}; {@code false} outside the image. */
    private static boolean inkNear(boolean[] mask, int w, int y, int x, int reach) {
        if (y < 0 || y >= mask.length / w) {
            return false;
        }
        for (int dx = Math.max(0, x - reach); dx <= Math.min(w - 1, x + reach); dx++) {
            if (mask[y * w + dx]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds boxes: a top and a bottom band of the same extent joined at both ends by vertical sides, with ink inside;
     * marks all four sides.
     */
    private static boolean boxes(List<Band> bands, boolean[] mask, int w, int h, boolean[] remove) {
        boolean any = false;
        long all = -1;
        for (int i = 0; i < bands.size(); i++) {
            Band top = bands.get(i);
            // A box's bottom is the next band of the same extent below its top: the digit inside has none, and
            // pairing each top with one bottom keeps a page of many lines linear.
            Band bottom = null;
            for (int j = 0; j < bands.size(); j++) {
                Band b = bands.get(j);
                if (b.y0 > top.y1 && sameExtent(top, b) && (bottom == null || b.y0 < bottom.y0)) {
                    bottom = b;
                }
            }
            if (bottom == null || bottom.y0 <= top.y1 + 2 * MIN_RUN / 4 || !straight(top) || !straight(bottom)) {
                continue;
            }
            int thickness = Math.max(top.thickness(), bottom.thickness());
            int boxHeight = bottom.y1 - top.y0 + 1;
            if (thickness > Math.max(2, MAX_THICKNESS * boxHeight)) {
                continue;
            }
            int[] leftSide = side(mask, w, top, bottom, Math.max(top.x0, bottom.x0), thickness, 1);
            int[] rightSide = side(mask, w, top, bottom, Math.min(top.x1, bottom.x1), thickness, -1);
            if (leftSide == null || rightSide == null || leftSide[1] >= rightSide[0]
                    || leftSide[1] - leftSide[0] + 1 > Math.max(2, MAX_THICKNESS * top.length())
                    || rightSide[1] - rightSide[0] + 1 > Math.max(2, MAX_THICKNESS * top.length())) {
                continue;
            }
            if (all < 0) {
                all = 0;
                for (boolean m : mask) {
                    if (m) {
                        all++;
                    }
                }
            }
            int inside = 0;
            for (int y = top.y1 + 2; y < bottom.y0 - 1; y++) {
                for (int x = leftSide[1] + 2; x < rightSide[0] - 1; x++) {
                    if (mask[y * w + x]) {
                        inside++;
                    }
                }
            }
            if (inside < 0.03 * all) {
                continue;
            }
            mark(top, mask, w, h, remove);
            mark(bottom, mask, w, h, remove);
            for (int[] s : List.of(leftSide, rightSide)) {
                for (int y = top.y0; y <= bottom.y1; y++) {
                    boolean inkLeft = s[0] > 0 && mask[y * w + s[0] - 1];
                    boolean inkRight = s[1] < w - 1 && mask[y * w + s[1] + 1];
                    if (inkLeft && inkRight) {
                        continue;
                    }
                    for (int x = s[0]; x <= s[1]; x++) {
                        if (mask[y * w + x]) {
                            remove[y * w + x] = true;
                        }
                    }
                }
            }
            any = true;
        }
        return any;
    }

    private static boolean sameExtent(Band a, Band b) {
        int tolerance = Math.max(3, a.length() / 10);
        return Math.abs(a.x0 - b.x0) <= tolerance && Math.abs(a.x1 - b.x1) <= tolerance;
    }

    /**
     * The columns {@code [first, last]} of a vertical side starting at {@code edge} and going inwards by {@code step},
     * where ink covers at least 90% of the rows between the bands; {@code null} if there is none.
     */
    private static int[] side(boolean[] mask, int w, Band top, Band bottom, int edge, int thickness, int step) {
        int first = -1;
        int last = -1;
        int rows = bottom.y0 - top.y1 - 1;
        for (int k = 0; k < 2 * thickness + 2; k++) {
            int x = edge + step * k;
            if (x < 0 || x >= w) {
                break;
            }
            int covered = 0;
            for (int y = top.y1 + 1; y < bottom.y0; y++) {
                if (mask[y * w + x]) {
                    covered++;
                }
            }
            if (covered >= 0.9 * rows) {
                if (first < 0) {
                    first = x;
                }
                last = x;
            } else if (first >= 0) {
                break;
            }
        }
        if (first < 0) {
            return null;
        }
        return new int[] {Math.min(first, last), Math.max(first, last)};
    }
}
