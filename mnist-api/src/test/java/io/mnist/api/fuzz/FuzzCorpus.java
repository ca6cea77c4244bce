package io.mnist.api.fuzz;

import java.awt.*;
import java.awt.image.BufferedImage;
import java.io.*;
import java.nio.ByteBuffer;
import java.nio.file.*;
import java.util.*;
import java.util.zip.*;
import javax.imageio.ImageIO;
import io.mnist.api.*;
import io.mnist.api.model.ModelFile;

/**
 * Writes the seed corpus of the fuzz tests into {@code src/test/resources/fuzz}: tiny images in each format ImageIO
 * writes, a model file as {@code save} writes it and one with stored (uncompressed) entries so that mutations reach
 * the manifest's JSON, and small IDX files raw and gzip. Run from the module folder when the corpus should change:
 * {@code java -cp target/classes:target/test-classes:... io.mnist.api.fuzz.FuzzCorpus src/test/resources/fuzz}.
 */
public final class FuzzCorpus {
    private FuzzCorpus() {
    }

    public static void main(String[] a) throws Exception {
        Path root = Path.of(a[0]);
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE); g.fillRect(0, 0, 16, 16);
        g.setColor(Color.BLACK); g.setStroke(new BasicStroke(2)); g.drawLine(4, 3, 12, 3); g.drawLine(12, 3, 6, 13);
        g.dispose();
        for (String f : new String[] {"png", "jpg", "gif", "bmp", "tiff"}) {
            ImageIO.write(img, f.equals("jpg") ? "jpeg" : f, root.resolve("images/seven." + f).toFile());
        }
        BufferedImage canvas = new BufferedImage(12, 12, BufferedImage.TYPE_INT_ARGB);
        for (int y = 2; y < 10; y++) canvas.setRGB(6, y, 0xFF000000);
        ImageIO.write(canvas, "png", root.resolve("images/one-canvas.png").toFile());
        BufferedImage gray = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 2; x < 8; x++) gray.getRaster().setSample(x, 5, 0, 255);
        ImageIO.write(gray, "png", root.resolve("images/dash-gray.png").toFile());
        // Model files: one as save writes it (deflated), one stored, so that mutations reach the manifest's JSON.
        NetworkSpec net = new NetworkSpec(java.util.List.of(new NetworkSpec.Flatten(),
                new NetworkSpec.Dense(10, NetworkSpec.Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM);
        ModelInfo info = new ModelInfo("fake", "fake 1", net, net.parameterCount(),
                TrainingConfig.builder().network(net).epochs(1).build(), java.util.List.of(new EpochResult(1, 0.5, 0.9, 0.4, 0.91, 1.5)), 0.91, new TrainingData("train-images-idx3-ubyte", 0, 100));
        byte[] w = new byte[64];
        for (int i = 0; i < w.length; i++) w[i] = (byte) (i * 37);
        Path deflated = root.resolve("models/tiny.mnist");
        ModelFile.write(deflated, info, Map.of("fake/memory.bin", w));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(deflated))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) entries.put(e.getName(), zin.readAllBytes());
        }
        try (ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(root.resolve("models/tiny-stored.mnist")))) {
            for (var e : entries.entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                z.setMethod(ZipEntry.STORED);
                z.setSize(e.getValue().length);
                CRC32 crc = new CRC32(); crc.update(e.getValue()); z.setCrc(crc.getValue());
                zout.putNextEntry(z); zout.write(e.getValue()); zout.closeEntry();
            }
        }
        // IDX: three 4x4 images and their labels, raw and gzip.
        ByteBuffer images = ByteBuffer.allocate(16 + 3 * 16).putInt(0x803).putInt(3).putInt(4).putInt(4);
        for (int i = 0; i < 48; i++) images.put((byte) (i * 11));
        byte[] labels = ByteBuffer.allocate(8 + 3).putInt(0x801).putInt(3).put(new byte[] {7, 2, 1}).array();
        Files.write(root.resolve("idx/images-idx3-ubyte"), images.array());
        Files.write(root.resolve("idx/labels-idx1-ubyte"), labels);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(root.resolve("idx/images-idx3-ubyte.gz")))) { o.write(images.array()); }
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(root.resolve("idx/labels-idx1-ubyte.gz")))) { o.write(labels); }
    }
}
