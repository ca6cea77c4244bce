/**
 * Handwritten digit recognition with pluggable engines: the API users program against, the SPI backends
 * implement, MNIST data, preprocessing and model files. No engine is inside; a backend (mnist-djl, mnist-dl4j)
 * is found with {@link java.util.ServiceLoader}.
 *
 * <p>Exported: {@code io.mnist.api} (classifiers, training, values), {@code io.mnist.api.spi} (for backend
 * authors), {@code io.mnist.api.data} (MNIST files), {@code io.mnist.api.image} (preprocessing),
 * {@code io.mnist.api.model} (model files and their errors), {@code io.mnist.api.keras} (Keras import),
 * {@code io.mnist.api.onnx} (ONNX export) and {@code io.mnist.api.ood} (the not-a-digit detector). {@code io.mnist.api.internal} and {@code io.mnist.api.internal.onnx}
 * (classes generated from ONNX's schema) stay inside.
 */
module io.mnist.api {
    // BufferedImage is part of the API (predict, preprocessing), so users get java.desktop with it.
    requires transitive java.desktop;
    requires com.fasterxml.jackson.databind;
    requires org.apache.commons.compress;
    // EXIF orientation. The jar declares no module name, so this is the one Java derives from its file name.
    requires metadata.extractor;
    // Keras import reads HDF5 with jHDF (an automatic module, named in its manifest).
    requires io.jhdf;
    // ONNX export: the runtime of the classes generated from ONNX's schema (its jar's Automatic-Module-Name).
    requires com.google.protobuf;
    // EngineLogs quiets engine loggers under slf4j-jdk14, which brings java.logging with it.
    requires static java.logging;
    // The "not a digit" score: EJML's dense eigen-decomposition (jars without a module name: derived from file names).
    requires ejml.core;
    requires ejml.ddense;

    exports io.mnist.api;
    exports io.mnist.api.spi;
    exports io.mnist.api.data;
    exports io.mnist.api.image;
    exports io.mnist.api.model;
    exports io.mnist.api.keras;
    exports io.mnist.api.onnx;
    exports io.mnist.api.ood;

    // Jackson reads and writes the manifest's records reflectively.
    opens io.mnist.api to com.fasterxml.jackson.databind;
    opens io.mnist.api.model to com.fasterxml.jackson.databind;
    opens io.mnist.api.internal to com.fasterxml.jackson.databind;
    opens io.mnist.api.ood to com.fasterxml.jackson.databind;

    uses io.mnist.api.spi.DigitBackend;
}
