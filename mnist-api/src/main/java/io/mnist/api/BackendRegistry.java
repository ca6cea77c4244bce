package io.mnist.api;

import io.mnist.api.spi.DigitBackend;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds backends and picks one. Package-private: {@link DigitClassifiers} holds the process-wide instance, and
 * tests build their own with chosen providers, settings and a captured stream.
 */
final class BackendRegistry {
    static final String PROPERTY = "mnist.backend";
    static final String ENVIRONMENT = "MNIST_BACKEND";
    /**
     * System property: {@code off} leaves out the notice that several backends are present, for a program that
     * ships several on purpose and documents its own choice (the {@code mnist} command does).
     */
    static final String NOTICE_PROPERTY = "mnist.backendNotice";
    static final String DEFAULT = "djl";
    /** The backend preferred for inference among several, when present (BENCHMARKS.md: it is the fastest). */
    static final String INFERENCE_DEFAULT = "onnxruntime";
    static final String PREFIX = "[mnist] ";
    static final String SEE_SELECTION = "See README.md#choosing-a-backend";
    static final String ARTIFACTS = "io.mnist:mnist-djl (DJL on PyTorch) or io.mnist:mnist-dl4j (Deeplearning4j)";

    private final Map<String, DigitBackend> backends = new TreeMap<>();
    private final Function<String, String> properties;
    private final Function<String, String> environment;
    private final PrintStream diagnostics;
    private volatile boolean noticeShown;

    BackendRegistry(Supplier<Iterator<DigitBackend>> providers, Function<String, String> properties,
                    Function<String, String> environment, PrintStream diagnostics) {
        this.properties = properties;
        this.environment = environment;
        this.diagnostics = diagnostics;
        Iterator<DigitBackend> it = providers.get();
        while (true) {
            DigitBackend backend;
            try {
                if (!it.hasNext()) {
                    break;
                }
                backend = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                diagnostics.println(PREFIX + "A backend failed to load and was skipped: " + e.getMessage());
                continue;
            }
            DigitBackend earlier = backends.putIfAbsent(backend.name(), backend);
            if (earlier != null) {
                diagnostics.println(PREFIX + "Two backends are named '" + backend.name() + "' ("
                        + earlier.getClass().getName() + ", " + backend.getClass().getName() + "); using the first.");
            }
        }
    }

    /** The names of the backends found, sorted. */
    java.util.List<String> names() {
        return java.util.List.copyOf(backends.keySet());
    }

    /** The backend called {@code name}, if present. */
    DigitBackend find(String name) {
        return backends.get(name.trim().toLowerCase(java.util.Locale.ROOT));
    }

    /** The backend called {@code name}; an error listing what is present if there is none. */
    DigitBackend require(String name, String chosenBy) {
        requireAny();
        DigitBackend backend = find(name);
        if (backend == null) {
            throw new BackendNotFoundException(PREFIX + "No backend named '" + name + "'" + chosenBy
                    + " is on the classpath. Present: " + String.join(", ", names()) + ". To use another, add "
                    + ARTIFACTS + ". " + SEE_SELECTION);
        }
        return backend;
    }

    /** Chooses: system property, then environment variable, then the only one, then the default. */
    DigitBackend choose() {
        return choose(false);
    }

    /**
     * Chooses as {@link #choose()} does, except that among several backends, none named, an inference-only one
     * ({@link #INFERENCE_DEFAULT} first) is preferred.
     */
    DigitBackend chooseForInference() {
        return choose(true);
    }

    /** The backends present, {@link #DEFAULT} first, then by name. */
    java.util.List<DigitBackend> defaultFirst() {
        java.util.List<DigitBackend> ordered = new java.util.ArrayList<>(backends.values());
        ordered.sort(java.util.Comparator.comparing(b -> !b.name().equals(DEFAULT)));
        return ordered;
    }

    private DigitBackend choose(boolean inference) {
        requireAny();
        String property = properties.apply(PROPERTY);
        if (property != null && !property.isBlank()) {
            return require(property, " (from -D" + PROPERTY + ")");
        }
        String env = environment.apply(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return require(env, " (from " + ENVIRONMENT + ")");
        }
        if (backends.size() == 1) {
            return backends.values().iterator().next();
        }
        DigitBackend training = defaultFirst().stream().filter(DigitBackend::trains).findFirst()
                .orElse(defaultFirst().get(0));
        DigitBackend predicting = backends.containsKey(INFERENCE_DEFAULT) ? backends.get(INFERENCE_DEFAULT)
                : backends.values().stream().filter(b -> !b.trains()).findFirst().orElse(training);
        if (!noticeShown && !"off".equalsIgnoreCase(String.valueOf(properties.apply(NOTICE_PROPERTY)))) {
            noticeShown = true;
            // Said for the use at hand: a program that only predicts is told what predicts.
            String use = predicting == training ? "; using '" + training.name() + "'"
                    : inference ? ": predicting with '" + predicting.name() + "' (training would use '"
                    + training.name() + "')"
                    : ": training with '" + training.name() + "' (predictions use '" + predicting.name() + "')";
            diagnostics.println(PREFIX + "Several backends present (" + String.join(", ", names()) + ")" + use
                    + ". Choose with -D" + PROPERTY + "=NAME or " + ENVIRONMENT + "=NAME. " + SEE_SELECTION);
        }
        return inference ? predicting : training;
    }

    private void requireAny() {
        if (backends.isEmpty()) {
            throw new BackendNotFoundException(PREFIX + "No digit backend is on the classpath. Add " + ARTIFACTS
                    + " as a dependency. See README.md#no-backend");
        }
    }
}
