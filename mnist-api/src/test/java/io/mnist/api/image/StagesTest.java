package io.mnist.api.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The stages' shared helpers: fast pixel reading, selection, area averaging. */
class StagesTest {

    /** Every layout the fast pixel reader knows, and two it hands to getRGB, read as getRGB reads them. */
    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_BGR,
            BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY,
            BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_USHORT_GRAY,
            BufferedImage.TYPE_INT_ARGB_PRE})
    void readsPixelsExactlyAsGetRgbDoes(int type) {
        BufferedImage img = noisy(new BufferedImage(37, 23, type));
        assertArrayEquals(img.getRGB(0, 0, 37, 23, null, 0, 37), RasterReader.argb(img));
        BufferedImage part = img.getSubimage(5, 3, 20, 11);
        assertArrayEquals(part.getRGB(0, 0, 20, 11, null, 0, 20), RasterReader.argb(part), "a sub-image of type " + type);
    }

    @Test
    void readsASmallPaletteExactly() {
        IndexColorModel four = new IndexColorModel(2, 4, new byte[] {0, 90, (byte) 180, (byte) 255},
                new byte[] {10, 20, 30, 40}, new byte[] {(byte) 200, 100, 50, 0});
        BufferedImage img = noisy(new BufferedImage(16, 9, BufferedImage.TYPE_BYTE_BINARY, four));
        assertArrayEquals(img.getRGB(0, 0, 16, 9, null, 0, 16), RasterReader.argb(img));
    }

    @Test
    void selectFindsTheKthSmallestAsSortingDoes() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(300);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                // Few distinct values too, so runs of equal values are covered.
                v[i] = round % 2 == 0 ? random.nextDouble() : random.nextInt(4);
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            int k = random.nextInt(n);
            assertEquals(sorted[k], Statistics.select(v.clone(), n, k), "n=" + n + " k=" + k);
        }
    }

    @Test
    void areaAveragingKeepsTheMeanAndAFlatImageFlat() {
        int cw = 53;
        int ch = 71;
        float[] flat = new float[cw * ch];
        Arrays.fill(flat, 1f);
        float[] box = DigitFraming.scale(flat, cw, ch, 15, 20);
        for (float v : box) {
            assertEquals(1f, v, 1e-6f);
        }
        // A column of ink two pixels wide in the middle of a 40x40 crop: its share of the area survives scaling.
        float[] stripe = new float[40 * 40];
        for (int y = 0; y < 40; y++) {
            stripe[y * 40 + 19] = 1f;
            stripe[y * 40 + 20] = 1f;
        }
        double mean = 0;
        for (float v : DigitFraming.scale(stripe, 40, 40, 20, 20)) {
            mean += v / 400.0;
        }
        assertEquals(2.0 / 40, mean, 1e-6);
    }

    private static BufferedImage noisy(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        SplittableRandom random = new SplittableRandom(img.getType());
        for (int i = 0; i < 60; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256),
                    random.nextInt(256)));
            g.fillRect(random.nextInt(img.getWidth()), random.nextInt(img.getHeight()), 1 + random.nextInt(9),
                    1 + random.nextInt(9));
        }
        g.dispose();
        return img;
    }
}
