package io.mnist.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --output-dir} option shared by commands that write pictures and tables. */
final class OutputDir {
    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "mnist-out",
            description = "Where pictures and tables go (default: ${DEFAULT-VALUE}).")
    Path dir;

    /** The folder, created if needed. */
    Path get() throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new java.nio.file.FileSystemException(dir.toString(), null, "--output-dir names a file, not a"
                    + " folder; choose a folder for pictures and tables");
        }
        io.mnist.api.spi.FileWriteException.writing(dir, () -> Files.createDirectories(dir));
        return dir;
    }

    /** A file in the folder. */
    Path file(String name) throws IOException {
        return get().resolve(name);
    }
}
