package io.mnist.api.model;

import io.mnist.api.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Writes model files for tests. */
final class ModelFileTestFiles {
    private ModelFileTestFiles() {
    }

    static Path write(Path file, ModelInfo info, Map<String, byte[]> entries) throws IOException {
        ModelFile.write(file, info, entries);
        return file;
    }
}
