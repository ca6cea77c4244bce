package io.mnist.benchmarks;

import io.mnist.api.data.IdxReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading an IDX image file of the MNIST test set's size (10,000 28x28 images, 7.8 MB): parsing bytes already in
 * memory, and reading the raw and the gzip file from disk (the page cache, after the first iteration). The file
 * is made here, so the benchmark needs no data download.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IdxBenchmark {
    static final int IMAGES = 10_000;
    private byte[] bytes;
    private Path dir;
    private Path raw;
    private Path gzip;

    @Setup
    public void write() throws IOException {
        bytes = new byte[16 + IMAGES * 784];
        ByteBuffer.wrap(bytes).putInt(IdxReader.IMAGES_MAGIC).putInt(IMAGES).putInt(28).putInt(28);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 16; i < bytes.length; i++) {
            // MNIST-like: four fifths background, the rest ink of any grey.
            bytes[i] = random.nextInt(5) == 0 ? (byte) random.nextInt(256) : 0;
        }
        dir = Files.createTempDirectory("idx-bench");
        raw = Files.write(dir.resolve("t10k-images-idx3-ubyte"), bytes);
        gzip = dir.resolve("t10k-images-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(bytes);
        }
    }

    @TearDown
    public void delete() throws IOException {
        Files.deleteIfExists(raw);
        Files.deleteIfExists(gzip);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public IdxReader.Images parseInMemory() throws IOException {
        return IdxReader.parseImages(bytes, "t10k-images-idx3-ubyte");
    }

    @Benchmark
    public IdxReader.Images readRawFile() throws IOException {
        return IdxReader.readImages(raw);
    }

    @Benchmark
    public IdxReader.Images readGzipFile() throws IOException {
        return IdxReader.readImages(gzip);
    }
}
