package io.mnist.api;

import io.mnist.api.keras.KerasImportOptions;
import io.mnist.api.keras.KerasModel;
import io.mnist.api.keras.KerasModels;
import io.mnist.api.model.BackendUnavailableException;
import io.mnist.api.model.FiniteWeights;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFile;
import io.mnist.api.spi.DigitBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Entry point: finds backends on the classpath and gives out trainers and classifiers.
 *
 * <p>A backend is chosen by, in order: an explicit name; the system property {@code mnist.backend}; the environment
 * variable {@code MNIST_BACKEND}; the only backend present; {@code djl} when several are present (with a one-line
 * notice on stderr naming the others). {@link #inferenceBackend()} chooses the same way but prefers an
 * inference-only backend ({@code onnxruntime}) among several, and {@link #pretrained()} uses it. A model file goes to
 * the backend that wrote it, unless {@link #load(Path, String)} names another.
 *
 * <pre>{@code
 * try (DigitClassifier clf = DigitClassifiers.load(Path.of("model.mnist"))) {
 *     int digit = clf.predict(Path.of("digit.png")).digit();
 * }
 * }</pre>
 */
public final class DigitClassifiers {
    private static volatile BackendRegistry registry;

    private DigitClassifiers() {
    }

    /** The chosen backend. @throws BackendNotFoundException if none is present or the chosen name is absent */
    public static DigitBackend backend() {
        return registry().choose();
    }

    /**
     * The backend to predict with when the caller names none: as {@link #backend()}, except that when several are
     * present and none is chosen by name, property or environment, an inference-only backend present is preferred
     * ({@code onnxruntime}: the fastest on this project's measurements, BENCHMARKS.md). Training goes on
     * {@link #backend()}.
     *
     * @throws BackendNotFoundException if none is present or the chosen name is absent
     */
    public static DigitBackend inferenceBackend() {
        return registry().chooseForInference();
    }

    /** The backend called {@code name}. @throws BackendNotFoundException if it is not on the classpath */
    public static DigitBackend backend(String name) {
        return registry().require(name, "");
    }

    /** Names of the backends on the classpath, sorted. */
    public static List<String> available() {
        return registry().names();
    }

    /** A trainer of the chosen backend for {@code config}. */
    public static Trainer trainer(TrainingConfig config) {
        return backend().trainer(config);
    }

    /**
     * Loads a model file with the backend that wrote it.
     *
     * @throws java.nio.file.NoSuchFileException                if there is no file at {@code path}
     * @throws io.mnist.api.model.NotAModelFileException           if it is not a model file
     * @throws io.mnist.api.model.CorruptModelFileException        if it is damaged or truncated
     * @throws io.mnist.api.model.DigestMismatchException          if it was altered after saving
     * @throws io.mnist.api.model.UnsupportedModelVersionException if a newer library wrote it
     * @throws BackendUnavailableException                      if its backend is not on the classpath
     * @throws io.mnist.api.model.NonFiniteWeightsException        if a weight is NaN or infinite
     * @throws io.mnist.api.model.ModelTooLargeException            if it is larger than {@link io.mnist.api.model.ModelLimits} allow
     */
    public static DigitClassifier load(Path path) throws IOException {
        return load(ModelFile.read(path));
    }

    /**
     * Loads a model file and runs it on the backend called {@code backend}: with that backend if it wrote the file,
     * otherwise with the one that did, then converted as {@link #convert} does (the result's
     * {@link ModelInfo#convertedFrom()} names the writer). Both backends must be on the classpath.
     *
     * @throws BackendNotFoundException if {@code backend} is not on the classpath
     * @throws IOException              for the reasons {@link #load(Path)} gives
     */
    public static DigitClassifier load(Path path, String backend) throws IOException {
        DigitBackend target = backend(backend);
        return load(ModelFile.read(path), target.name());
    }

    /**
     * Loads an already read and verified model file and runs it on the backend called {@code backend}, as
     * {@link #load(Path, String)} does.
     *
     * @throws BackendNotFoundException if {@code backend} is not on the classpath
     * @throws IOException              for the reasons {@link #load(ModelArchive)} gives
     */
    public static DigitClassifier load(ModelArchive archive, String backend) throws IOException {
        DigitBackend target = backend(backend);
        DigitClassifier model = load(archive);
        if (model.info().backend().equals(target.name())) {
            return model;
        }
        try (model) {
            return convert(model, target.name());
        }
    }

    /**
     * Loads an already read and verified model file with the backend that wrote it.
     *
     * @throws BackendUnavailableException                if its backend is not on the classpath
     * @throws io.mnist.api.model.ModelFileException       if the backend cannot use its weights
     * @throws io.mnist.api.model.NonFiniteWeightsException if a weight is NaN or infinite
     */
    public static DigitClassifier load(ModelArchive archive) throws IOException {
        String name = archive.manifest().model().backend();
        DigitBackend backend = registry().find(name);
        if (backend == null) {
            List<String> present = registry().names();
            throw new BackendUnavailableException(name, archive.source() + " was saved by backend '" + name
                    + "', which is not on the classpath (present: "
                    + (present.isEmpty() ? "none" : String.join(", ", present)) + "). Add io.mnist:mnist-" + name
                    + " as a dependency to load it.");
        }
        return checked(backend.load(archive), archive.source());
    }

    /** {@code classifier} if its weights are all finite; otherwise it is closed and the error thrown. */
    private static DigitClassifier checked(DigitClassifier classifier, String source) throws IOException {
        try {
            FiniteWeights.checkLoaded(classifier, source);
            return classifier;
        } catch (IOException | RuntimeException e) {
            classifier.close();
            throw e;
        }
    }

    /**
     * Moves a trained model to the backend called {@code backend}: its weights are exported in the engine-neutral
     * layout and imported there, so the result predicts what {@code model} predicts (to float rounding). The
     * result's {@link ModelInfo#convertedFrom()} names the source; {@code model} stays open and unchanged.
     *
     * @throws BackendNotFoundException      if {@code backend} is not on the classpath
     * @throws UnsupportedOperationException if {@code model}'s backend cannot export its weights
     */
    public static DigitClassifier convert(DigitClassifier model, String backend) {
        DigitBackend target = backend(backend);
        NetworkWeights weights = model.networkWeights();
        ModelInfo info = model.info().convertedTo(target.name(), target.engineVersion(), weights.parameterCount(),
                null);
        return target.fromWeights(info, weights);
    }

    /**
     * Imports a model saved by Keras ({@code model.save("x.h5")} or {@code "x.keras"}) and builds it on a backend:
     * the file is read into engine-neutral weights by {@link KerasModels#read} (see there for what is supported and
     * how the input scale is decided), then {@link DigitBackend#fromWeights} builds it. The result's
     * {@link ModelInfo#importedFrom()} names the file, its Keras version and its SHA-256; it has no training config.
     * Save it with {@link DigitClassifier#save} to get a model file that loads without the Keras file.
     *
     * <pre>{@code
     * try (DigitClassifier clf = DigitClassifiers.importKeras(Path.of("mnist_model.keras"),
     *         KerasImportOptions.defaults())) {
     *     clf.save(Path.of("imported.mnist"));
     * }
     * }</pre>
     *
     * @param file    the Keras model file
     * @param options the input scale and the backend ({@code null} backend: the one {@link #backend()} chooses)
     * @return a classifier running the imported network
     * @throws java.nio.file.NoSuchFileException                if there is no file at {@code file}
     * @throws io.mnist.api.keras.UnsupportedKerasModelException if the model uses what cannot be imported
     * @throws io.mnist.api.keras.KerasImportException          if it is not a Keras model, or damaged
     * @throws BackendNotFoundException                        if the named (or any) backend is absent
     * @throws IOException                                      if the file cannot be read
     */
    public static DigitClassifier importKeras(Path file, KerasImportOptions options) throws IOException {
        DigitBackend backend = options.backend() == null ? backend() : backend(options.backend());
        return importKeras(KerasModels.read(file, options), backend.name());
    }

    /**
     * Builds a Keras model already read by {@link KerasModels#read} on the backend called {@code backend}, as
     * {@link #importKeras(Path, KerasImportOptions)} does.
     *
     * @param model   the network, its weights and where it came from
     * @param backend a backend's name, or {@code null} for the one {@link #backend()} chooses
     * @return a classifier running the imported network
     * @throws BackendNotFoundException if the named (or any) backend is absent
     */
    public static DigitClassifier importKeras(KerasModel model, String backend) {
        DigitBackend target = backend == null ? backend() : backend(backend);
        ModelInfo info = ModelInfo.imported(target.name(), target.engineVersion(), model.network(), model.source());
        return target.fromWeights(info, model.weights());
    }

    /**
     * The bundled pretrained model on the backend {@link #inferenceBackend()} chooses (with {@code onnxruntime}
     * present and nothing chosen, that one, the model converted from a training backend's bundled one).
     *
     * @throws BackendNotFoundException if no backend is present, or the chosen name is absent
     * @throws IllegalStateException    if no backend present ships a model
     */
    public static DigitClassifier pretrained() throws IOException {
        return pretrained(inferenceBackend());
    }

    /**
     * The bundled pretrained model on the backend called {@code name}: its own, or, if it ships none (as
     * {@code onnxruntime}), the bundled model of another backend present ({@code djl} first, then by name) converted
     * to it as {@link #convert} does. The result's {@link ModelInfo#convertedFrom()} then names the source.
     *
     * @throws BackendNotFoundException if {@code name} is not on the classpath
     * @throws IllegalStateException    if neither it nor any other backend present ships a model
     */
    public static DigitClassifier pretrained(String name) throws IOException {
        return pretrained(backend(name));
    }

    private static DigitClassifier pretrained(DigitBackend backend) throws IOException {
        Optional<InputStream> own = backend.pretrainedModel();
        if (own.isPresent()) {
            return bundled(backend, own.get());
        }
        for (DigitBackend source : registry().defaultFirst()) {
            Optional<InputStream> theirs = source.pretrainedModel();
            if (theirs.isPresent()) {
                try (DigitClassifier model = bundled(source, theirs.get())) {
                    return convert(model, backend.name());
                }
            }
        }
        throw new IllegalStateException(BackendRegistry.PREFIX + "Backend '" + backend.name() + "' ships no"
                + " pretrained model, nor does any other backend present; train one with 'mnist train' and load it"
                + " with DigitClassifiers.load(path).");
    }

    private static DigitClassifier bundled(DigitBackend backend, InputStream model) throws IOException {
        try (InputStream in = model) {
            String source = backend.artifact() + " (bundled model)";
            return checked(backend.load(ModelFile.read(in, source)), source);
        }
    }

    private static BackendRegistry registry() {
        BackendRegistry r = registry;
        if (r == null) {
            synchronized (DigitClassifiers.class) {
                r = registry;
                if (r == null) {
                    r = new BackendRegistry(() -> ServiceLoader.load(DigitBackend.class).iterator(),
                            System::getProperty, System::getenv, System.err);
                    registry = r;
                }
            }
        }
        return r;
    }

    /** Forgets the discovered backends; for tests only. */
    static void reset() {
        registry = null;
    }

    /** Uses {@code r} instead of the backends {@link ServiceLoader} finds until {@link #reset()}; for tests only. */
    static void use(BackendRegistry r) {
        registry = r;
    }
}
