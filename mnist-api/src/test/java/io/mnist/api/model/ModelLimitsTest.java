package io.mnist.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkSpec.Activation;
import io.mnist.api.TrainingConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files are checked against their declared and actual sizes before anything of that size is allocated. */
class ModelLimitsTest {
    @TempDir
    Path dir;

    private static ModelInfo info(NetworkSpec network) {
        return new ModelInfo("fake", "test 1", network, 0, TrainingConfig.defaults(), List.of(), null, null);
    }

    @Test
    void aDenseLayerOfABillionUnitsIsRefusedByItsParameterCountNotByAnOverflow() throws IOException {
        NetworkSpec huge = new NetworkSpec(List.of(new NetworkSpec.Flatten(),
                new NetworkSpec.Dense(1_000_000_000, Activation.RELU),
                new NetworkSpec.Dense(10, Activation.SOFTMAX)), NetworkSpec.Initializer.GLOROT_UNIFORM);
        Path file = ModelFileTestFiles.write(dir.resolve("huge.mnist"), info(huge), Map.of("w", new byte[8]));
        assertThatThrownBy(() -> ModelFile.read(file)).isInstanceOf(ModelTooLargeException.class)
                .hasMessage(file + ": its manifest declares a network of 795,000,000,010 parameters, over the limit"
                        + " of 25,000,000 (ModelLimits.maxParameters; raise it with -Dmnist.model.maxParameters=N or"
                        + " a ModelLimits passed to ModelFile.read)");
        // A SAME convolution of a 2e9 x 2e9 kernel and 2e9 filters, strided down to 1x1: its weights overflow a long.
        NetworkSpec overflowing = new NetworkSpec(List.of(new NetworkSpec.Conv2D(2_000_000_000, 2_000_000_000,
                2_000_000_000, 28, 28, NetworkSpec.Padding.SAME, Activation.RELU),
                new NetworkSpec.Flatten(), new NetworkSpec.Dense(10, Activation.SOFTMAX)),
                NetworkSpec.Initializer.GLOROT_UNIFORM);
        Path worse = ModelFileTestFiles.write(dir.resolve("worse.mnist"), info(overflowing), Map.of("w", new byte[8]));
        assertThatThrownBy(() -> ModelFile.read(worse)).isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining("declares a network of more than 9223372036854775807 parameters");
    }

    @Test
    void theLayerLimitIsCheckedBeforeTheNetworkIsBuiltAndCanBeRaised() throws IOException {
        List<NetworkSpec.Layer> layers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            layers.add(new NetworkSpec.Dropout(0.1));
        }
        layers.add(new NetworkSpec.Flatten());
        layers.add(new NetworkSpec.Dense(10, Activation.SOFTMAX));
        NetworkSpec deep = new NetworkSpec(layers, NetworkSpec.Initializer.GLOROT_UNIFORM);
        Path file = ModelFileTestFiles.write(dir.resolve("deep.mnist"), info(deep), Map.of("w", new byte[8]));
        assertThatThrownBy(() -> ModelFile.read(file)).isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining("declares a network of 302 layers, over the limit of 256 (ModelLimits.maxLayers;"
                        + " raise it with -Dmnist.model.maxLayers=N");
        assertThat(ModelFile.read(file, ModelLimits.defaults().withMaxLayers(302)).manifest().model().network())
                .isEqualTo(deep);
    }

    @Test
    void aManifestOfAMillionLayersStopsAtTheManifestLimitBeforeParsing() throws IOException {
        // 200,000 layers are enough to pass the 4 MiB the manifest may take; a million are the same case.
        List<NetworkSpec.Layer> layers = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            layers.add(new NetworkSpec.Dropout(0.1));
        }
        layers.add(new NetworkSpec.Flatten());
        layers.add(new NetworkSpec.Dense(10, Activation.SOFTMAX));
        NetworkSpec deep = new NetworkSpec(layers, NetworkSpec.Initializer.GLOROT_UNIFORM);
        Path file = ModelFileTestFiles.write(dir.resolve("deeper.mnist"), info(deep), Map.of("w", new byte[8]));
        assertThatThrownBy(() -> ModelFile.read(file)).isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining("entry 'manifest.json' expands to more than 4194304 bytes");
    }

    @Test
    void aZipBombEntryStopsAtWhatTheManifestsNetworkNeeds() throws IOException {
        // The compact network: 329,962 parameters, so at most 16 bytes each and 16 MiB besides (22 MiB) of weights.
        Path file = dir.resolve("bomb.mnist");
        ModelFileTestFiles.write(file, info(NetworkSpec.compact()), Map.of("w", new byte[40 << 20]));
        assertThat(Files.size(file)).as("40 MiB of zeros compress to little").isLessThan(200_000);
        assertThatThrownBy(() -> ModelFile.read(file)).isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining("entry 'w' expands to more than 22056608 bytes, over what its manifest's network"
                        + " needs (22056608 bytes in all)")
                .hasMessageContaining("zip bomb");
    }

    @Test
    void entryExpandedAndFileLimitsNameThemselves() throws IOException {
        Path file = ModelFileTestFiles.write(dir.resolve("m.mnist"), info(NetworkSpec.seed()),
                Map.of("a", new byte[3000], "b", new byte[3000]));
        assertThatThrownBy(() -> ModelFile.read(file, ModelLimits.defaults().withMaxBytes(1 << 20, 2000, 1 << 20)))
                .isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining("expands to more than 2000 bytes, over the limit of 2,000 (ModelLimits.maxEntryBytes;"
                        + " raise it with -Dmnist.model.maxEntryBytes=N");
        assertThatThrownBy(() -> ModelFile.read(file, ModelLimits.defaults().withMaxBytes(1 << 20, 4000, 5000)))
                .isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining("over the limit of 5,000 (ModelLimits.maxExpandedBytes");
        assertThatThrownBy(() -> ModelFile.read(file, ModelLimits.defaults().withMaxBytes(100, 4000, 5000)))
                .isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining(file + " is " + Files.size(file) + " bytes, over the limit of 100"
                        + " (ModelLimits.maxFileBytes");
        assertThat(ModelFile.read(file, ModelLimits.defaults().withMaxBytes(1 << 20, 3000, 6000)).names())
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aLargeSparseFileIsRefusedByItsSizeWithoutBeingRead() throws IOException {
        Path sparse = dir.resolve("sparse.mnist");
        try (FileChannel c = FileChannel.open(sparse, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            c.write(java.nio.ByteBuffer.wrap(new byte[] {'P', 'K', 3, 4}), 0);
            c.write(java.nio.ByteBuffer.wrap(new byte[1]), 3L << 30);
        }
        assertThatThrownBy(() -> ModelFile.read(sparse)).isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining("is 3221225473 bytes, over the limit of 536,870,912 (ModelLimits.maxFileBytes");
    }

    @Test
    void aDeviceIsNotReadAsAModelFile() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero), "a system with /dev/zero");
        assertThatThrownBy(() -> ModelFile.read(zero)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void savingNeverReplacesAFifoOrADeviceWithAModelFile() throws Exception {
        Path fifo = dir.resolve("fifo.mnist");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
        assertThatThrownBy(() -> ModelFile.write(fifo, info(NetworkSpec.seed()), Map.of("w", new byte[8])))
                .isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        assertThat(Files.exists(fifo) && !Files.isRegularFile(fifo)).as("the FIFO is left as it was").isTrue();
    }

    @Test
    void aStreamLongerThanTheFileLimitIsRefusedAfterReadingOneByteMore() {
        java.io.InputStream endless = new java.io.InputStream() {
            long read;

            @Override
            public int read() {
                read++;
                return 0;
            }
        };
        assertThatThrownBy(() -> ModelFile.read(endless, "endless", ModelLimits.defaults().withMaxBytes(1000, 10, 10)))
                .isInstanceOf(ModelTooLargeException.class).hasMessageContaining("endless is more than 1000 bytes");
    }

    @Test
    void limitsComeFromSystemPropertiesWhenSet() {
        System.setProperty("mnist.model.maxParameters", "123456789");
        try {
            assertThat(ModelLimits.defaults().maxParameters()).isEqualTo(123_456_789L);
            System.setProperty("mnist.model.maxParameters", "lots");
            assertThatThrownBy(ModelLimits::defaults).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dmnist.model.maxParameters=lots is not a positive whole number");
        } finally {
            System.clearProperty("mnist.model.maxParameters");
        }
        assertThat(ModelLimits.defaults().maxParameters()).isEqualTo(ModelLimits.DEFAULT_MAX_PARAMETERS);
    }

    @Test
    void saveDeletesTemporaryFilesThatAKilledSaveLeftButNotOnesBeingWritten() throws IOException {
        Path target = dir.resolve("m.mnist");
        Path stale = Files.writeString(dir.resolve(".m.mnist.8237465.tmp"), "half a model");
        Path busy = Files.writeString(dir.resolve(".m.mnist.99.tmp"), "being written");
        Path otherModel = Files.writeString(dir.resolve(".other.mnist.5.tmp"), "another model's");
        Path notOurs = Files.writeString(dir.resolve(".m.mnist.notes.tmp"), "not a temporary model file");
        try (FileChannel c = FileChannel.open(busy, StandardOpenOption.WRITE); FileLock held = c.lock()) {
            assertThat(held.isValid()).isTrue();
            ModelFile.write(target, info(NetworkSpec.seed()), Map.of("w", new byte[8]));
            assertThat(stale).as("left by a killed save").doesNotExist();
            assertThat(busy).as("locked: being written now").exists();
        }
        assertThat(otherModel).exists();
        assertThat(notOurs).exists();
        assertThat(ModelFile.read(target).names()).containsExactly("w");
    }

    @Test
    void checkWritableNamesThePathAndWhatIsWrongBeforeAnyWork() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("models"));
        assertThatThrownBy(() -> ModelFile.checkWritable(folder)).isInstanceOf(java.nio.file.FileSystemException.class)
                .hasMessageContaining(folder.toString()).hasMessageContaining("it is a folder")
                .hasMessageContaining(folder.resolve("model.mnist").toString());
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Path under = file.resolve("sub/m.mnist");
        assertThatThrownBy(() -> ModelFile.checkWritable(under)).isInstanceOf(java.nio.file.FileSystemException.class)
                .hasMessageContaining(under.toString()).hasMessageContaining(file + " is a file, not a folder");
        Path fresh = dir.resolve("new/deeper/m.mnist");
        ModelFile.checkWritable(fresh);
        assertThat(fresh.getParent()).isDirectory();
        try (var left = Files.list(fresh.getParent())) {
            assertThat(left).as("the probe leaves nothing").isEmpty();
        }
    }
}
