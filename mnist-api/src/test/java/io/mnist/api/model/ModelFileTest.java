package io.mnist.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.DigitClassifiers;
import io.mnist.api.EpochResult;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.TrainingConfig;
import io.mnist.api.TrainingData;
import io.mnist.api.contract.ModelFileSurgery;
import io.mnist.api.data.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    static ModelInfo info(String backend) {
        return new ModelInfo(backend, "test 1", NetworkSpec.seed(), 1_199_882L, TrainingConfig.defaults(),
                List.of(new EpochResult(1, 0.2, 0.94, 0.1, 0.97, 12.5)), 0.97, new TrainingData("train", 0, 6000));
    }

    @Test
    void writesAManifestWithProvenanceAndDigestsFirst() throws IOException {
        Path file = dir.resolve("m.mnist");
        byte[] weights = "weights".getBytes(StandardCharsets.UTF_8);
        ModelFile.write(file, info("fake"), Map.of("w.bin", weights));
        ModelArchive archive = ModelFile.read(file);
        ModelManifest m = archive.manifest();
        assertThat(m.format()).isEqualTo("mnist-model");
        assertThat(m.formatVersion()).isEqualTo(2);
        assertThat(m.provenance().library()).as("the library version, read back from the build")
                .isEqualTo(io.mnist.api.LibraryVersion.current()).doesNotContain("development");
        assertThat(m.model()).isEqualTo(info("fake"));
        assertThat(m.entries()).containsExactly(Map.entry("w.bin", Sha256.hex(weights)));
        assertThat(m.provenance().java()).contains(System.getProperty("java.version"));
        assertThat(m.provenance().createdAt()).isNotBlank();
        assertThat(archive.entry("w.bin")).isEqualTo(weights);
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(Files.newInputStream(file))) {
            assertThat(zip.getNextEntry().getName()).as("first entry").isEqualTo("manifest.json");
        }
    }

    @Test
    void aSavedModelIsReadableByOthersLikeAnyFileTheUserWrites() throws IOException {
        Path file = dir.resolve("shared.mnist");
        ModelFile.write(file, info("fake"), Map.of("w.bin", new byte[] {1}));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void aFailedWriteLeavesTheExistingFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("m.mnist");
        ModelFile.write(file, info("fake"), Map.of("w.bin", new byte[] {1, 2, 3}));
        byte[] before = Files.readAllBytes(file);
        Map<String, byte[]> failing = new LinkedHashMap<>() {
            @Override
            public Set<Map.Entry<String, byte[]>> entrySet() {
                Set<Map.Entry<String, byte[]>> real = super.entrySet();
                return new java.util.AbstractSet<>() {
                    @Override
                    public Iterator<Map.Entry<String, byte[]>> iterator() {
                        Iterator<Map.Entry<String, byte[]>> it = real.iterator();
                        return new Iterator<>() {
                            int served;

                            @Override
                            public boolean hasNext() {
                                return it.hasNext();
                            }

                            @Override
                            public Map.Entry<String, byte[]> next() {
                                if (served++ == 1) {
                                    throw new IllegalStateException("disk full (simulated)");
                                }
                                return it.next();
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return real.size();
                    }
                };
            }
        };
        failing.put("a.bin", new byte[1000]);
        failing.put("b.bin", new byte[1000]);
        assertThatThrownBy(() -> ModelFile.write(file, info("fake"), failing)).hasMessage("disk full (simulated)");
        assertThat(Files.readAllBytes(file)).as("the old model is intact").isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactly("m.mnist");
        }
    }

    @Test
    void rejectsFilesThatAreNotModels() throws IOException {
        Path empty = Files.write(dir.resolve("empty.mnist"), new byte[0]);
        assertThatThrownBy(() -> ModelFile.read(empty)).isInstanceOf(NotAModelFileException.class)
                .hasMessage(empty + " is not an mnist model file: it is not a zip archive (it is empty). Model files"
                        + " are written by DigitClassifier.save or 'mnist train'.");
        Path png = Files.write(dir.resolve("digit.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        assertThatThrownBy(() -> ModelFile.read(png)).isInstanceOf(NotAModelFileException.class);
        Path otherZip = dir.resolve("other.zip");
        try (OutputStream out = Files.newOutputStream(otherZip); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write(1);
        }
        assertThatThrownBy(() -> ModelFile.read(otherZip)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("is a zip archive but not an mnist model file: it has no manifest.json");
        Path foreignManifest = dir.resolve("foreign.zip");
        try (OutputStream out = Files.newOutputStream(foreignManifest);
             ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write("{\"name\": \"something else\"}".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> ModelFile.read(foreignManifest)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("lacks \"format\": \"mnist-model\"");
        assertThatThrownBy(() -> ModelFile.read(dir)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void rejectsADamagedManifest() throws IOException {
        Path file = dir.resolve("m.mnist");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write("{\"format\": \"mnist-mo".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> ModelFile.read(file)).isInstanceOf(CorruptModelFileException.class)
                .hasMessageContaining("has a damaged manifest.json (not JSON");
    }

    @Test
    void rejectsTruncatedFilesWhereverTheyAreCut() throws IOException {
        Path file = dir.resolve("m.mnist");
        ModelFile.write(file, info("fake"), Map.of("w.bin", new byte[20_000]));
        long size = Files.size(file);
        for (double fraction : new double[] {0.1, 0.5, 0.9, (size - 5.0) / size}) {
            Path cut = ModelFileSurgery.truncated(file, fraction, dir.resolve("cut.mnist"));
            assertThatThrownBy(() -> ModelFile.read(cut)).as("cut at %.3f", fraction)
                    .isInstanceOf(CorruptModelFileException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void rejectsAlteredAndAddedEntries() throws IOException {
        Path file = dir.resolve("m.mnist");
        ModelFile.write(file, info("fake"), Map.of("w.bin", new byte[100]));
        Path altered = ModelFileSurgery.rewritten(file, dir.resolve("altered.mnist"), m -> { },
                (name, bytes) -> new byte[100 - 1], false);
        assertThatThrownBy(() -> ModelFile.read(altered)).isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("entry 'w.bin' has SHA-256 ").hasMessageContaining("but the manifest records");
        Path unlisted = ModelFileSurgery.rewritten(file, dir.resolve("unlisted.mnist"),
                m -> m.putObject("entries"), (name, bytes) -> bytes, false);
        assertThatThrownBy(() -> ModelFile.read(unlisted)).isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("entry 'w.bin' is not recorded in the manifest");
    }

    @Test
    void rejectsANewerFormatButReadsOlderFieldsItDoesNotKnow() throws IOException {
        Path file = dir.resolve("m.mnist");
        ModelFile.write(file, info("fake"), Map.of("w.bin", new byte[10]));
        Path newer = ModelFileSurgery.rewritten(file, dir.resolve("v3.mnist"), m -> m.put("formatVersion", 3),
                (n, b) -> b, false);
        assertThatThrownBy(() -> ModelFile.read(newer)).isInstanceOf(UnsupportedModelVersionException.class)
                .hasMessage(newer + " uses model format version 3, newer than version 2 that this mnist-api reads."
                        + " Upgrade io.mnist:mnist-api and the backend to the version that wrote it.");
        Path extra = ModelFileSurgery.rewritten(file, dir.resolve("extra.mnist"), m -> m.put("comment", "hi"),
                (n, b) -> b, false);
        assertThat(ModelFile.read(extra).manifest().model()).isEqualTo(info("fake"));
    }

    @Test
    void loadingAModelOfAnAbsentBackendNamesTheArtifact() throws IOException {
        Path file = dir.resolve("m.mnist");
        ModelFile.write(file, info("onnx"), Map.of("w.bin", new byte[10]));
        assertThatThrownBy(() -> DigitClassifiers.load(file)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith(file + " was saved by backend 'onnx', which is not on the classpath (present: ")
                .hasMessageEndingWith("). Add io.mnist:mnist-onnx as a dependency to load it.")
                .satisfies(e -> assertThat(((BackendUnavailableException) e).backend()).isEqualTo("onnx"));
    }

    @Test
    void aMissingFileSaysHowToGetOne() {
        Path missing = dir.resolve("model.mnist");
        assertThatThrownBy(() -> ModelFile.read(missing)).isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("mnist train --output model.mnist");
    }

    static Map.Entry<String, byte[]> entry(String k, byte[] v) {
        return new AbstractMap.SimpleEntry<>(k, v);
    }

    @Test
    void aManifestMissingARequiredFieldNamesTheField() throws IOException {
        Path good = dir.resolve("good.mnist");
        ModelFile.write(good, info("fake"), Map.of("w.bin", new byte[] {1, 2}));
        Path bad = ModelFileSurgery.rewritten(good, dir.resolve("nobackend.mnist"),
                m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("model")).remove("backend"),
                (name, bytes) -> bytes, true);
        assertThatThrownBy(() -> ModelFile.read(bad)).isInstanceOf(CorruptModelFileException.class)
                .hasMessage(bad + " has a damaged manifest.json: its ModelInfo lacks \"backend\". Copy or save the"
                        + " model again.");
    }

    @Test
    void weightsAnEngineCouldNotReadAreDescribedEvenWhenItGaveNoMessage() throws IOException {
        Path file = dir.resolve("m.mnist");
        ModelFile.write(file, info("fake"), Map.of("w.bin", new byte[] {1, 2}));
        ModelArchive archive = ModelFile.read(file);
        assertThat(archive.malformed(String.valueOf((Object) null), new java.io.EOFException()).getMessage())
                .isEqualTo(file + " holds weights that do not fit its network: the weights end before the"
                        + " network's last parameter. The file is damaged or was written by an incompatible version;"
                        + " train or save it again.");
        assertThat(archive.malformed(null, new IllegalStateException(new ArithmeticException("/ by zero")))
                .getMessage()).contains("do not fit its network: java.lang.ArithmeticException: / by zero")
                .doesNotContain("null");
    }
}
