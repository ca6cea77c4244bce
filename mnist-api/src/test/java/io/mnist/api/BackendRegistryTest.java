package io.mnist.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.fake.FakeBackend;
import io.mnist.api.spi.DigitBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

class BackendRegistryTest {
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private BackendRegistry registry(List<DigitBackend> backends, Map<String, String> properties,
                                     Map<String, String> env) {
        return new BackendRegistry(backends::iterator, properties::get, env::get,
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private String diagnostics() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    static DigitBackend named(String name) {
        return new FakeBackend() {
            @Override
            public String name() {
                return name;
            }
        };
    }

    @Test
    void noBackendIsAnErrorThatNamesTheArtifactsToAdd() {
        BackendRegistry r = registry(List.of(), Map.of(), Map.of());
        assertThatThrownBy(r::choose).isInstanceOf(BackendNotFoundException.class)
                .hasMessage("[mnist] No digit backend is on the classpath. Add io.mnist:mnist-djl (DJL on PyTorch)"
                        + " or io.mnist:mnist-dl4j (Deeplearning4j) as a dependency. See README.md#no-backend");
    }

    @Test
    void theOnlyBackendIsChosenSilently() {
        DigitBackend dl4j = named("dl4j");
        assertThat(registry(List.of(dl4j), Map.of(), Map.of()).choose()).isSameAs(dl4j);
        assertThat(diagnostics()).as("no notice for a single backend").isEmpty();
    }

    @Test
    void severalBackendsPickTheDefaultWithOneNotice() {
        DigitBackend djl = named("djl");
        BackendRegistry r = registry(List.of(named("dl4j"), djl), Map.of(), Map.of());
        assertThat(r.choose()).isSameAs(djl);
        assertThat(r.choose()).isSameAs(djl);
        assertThat(diagnostics()).isEqualTo("[mnist] Several backends present (djl, dl4j); using 'djl'. Choose with"
                + " -Dmnist.backend=NAME or MNIST_BACKEND=NAME. See README.md#choosing-a-backend"
                + System.lineSeparator());
    }

    static DigitBackend predictsOnly(String name) {
        return new FakeBackend() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean trains() {
                return false;
            }
        };
    }

    @Test
    void aProgramThatShipsSeveralOnPurposeCanTurnTheNoticeOff() {
        DigitBackend djl = named("djl");
        BackendRegistry r = registry(List.of(named("dl4j"), djl), Map.of("mnist.backendNotice", "off"), Map.of());
        assertThat(r.choose()).isSameAs(djl);
        assertThat(diagnostics()).as("no notice with -Dmnist.backendNotice=off").isEmpty();
    }

    @Test
    void anInferenceOnlyBackendAmongSeveralPredictsWhileTheDefaultTrains() {
        DigitBackend djl = named("djl");
        DigitBackend ort = predictsOnly("onnxruntime");
        BackendRegistry r = registry(List.of(named("dl4j"), ort, djl), Map.of(), Map.of());
        assertThat(r.chooseForInference()).isSameAs(ort);
        assertThat(r.choose()).isSameAs(djl);
        assertThat(diagnostics()).isEqualTo("[mnist] Several backends present (djl, dl4j, onnxruntime): predicting"
                + " with 'onnxruntime' (training would use 'djl'). Choose with -Dmnist.backend=NAME or MNIST_BACKEND=NAME."
                + " See README.md#choosing-a-backend" + System.lineSeparator());
    }

    @Test
    void aChosenNameWinsForInferenceToo() {
        DigitBackend dl4j = named("dl4j");
        BackendRegistry r = registry(List.of(named("djl"), dl4j, predictsOnly("onnxruntime")),
                Map.of("mnist.backend", "dl4j"), Map.of());
        assertThat(r.chooseForInference()).isSameAs(dl4j);
        assertThat(r.choose()).isSameAs(dl4j);
        assertThat(diagnostics()).isEmpty();
    }

    @Test
    void anInferenceOnlyBackendIsNeverTheTrainingDefaultAmongSeveral() {
        DigitBackend beta = named("beta");
        BackendRegistry r = registry(List.of(beta, predictsOnly("alpha")), Map.of(), Map.of());
        assertThat(r.choose()).as("alpha comes first by name but cannot train").isSameAs(beta);
        assertThat(r.chooseForInference().name()).isEqualTo("alpha");
    }

    @Test
    void theOnlyBackendIsChosenForBothEvenIfItCannotTrain() {
        DigitBackend ort = predictsOnly("onnxruntime");
        BackendRegistry r = registry(List.of(ort), Map.of(), Map.of());
        assertThat(r.choose()).as("its trainer says it cannot train").isSameAs(ort);
        assertThat(r.chooseForInference()).isSameAs(ort);
        assertThat(diagnostics()).isEmpty();
    }

    @Test
    void severalBackendsWithoutTheDefaultPickTheFirstByName() {
        DigitBackend a = named("alpha");
        assertThat(registry(List.of(named("beta"), a), Map.of(), Map.of()).choose()).isSameAs(a);
        assertThat(diagnostics()).contains("using 'alpha'");
    }

    @Test
    void anExplicitNameWins() {
        DigitBackend dl4j = named("dl4j");
        BackendRegistry r = registry(List.of(named("djl"), dl4j), Map.of("mnist.backend", "djl"),
                Map.of("MNIST_BACKEND", "djl"));
        assertThat(r.require("DL4J", "")).as("names are case-insensitive").isSameAs(dl4j);
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironment() {
        DigitBackend dl4j = named("dl4j");
        BackendRegistry r = registry(List.of(named("djl"), dl4j), Map.of("mnist.backend", "dl4j"),
                Map.of("MNIST_BACKEND", "djl"));
        assertThat(r.choose()).isSameAs(dl4j);
        assertThat(diagnostics()).isEmpty();
    }

    @Test
    void theEnvironmentVariableWinsOverTheDefault() {
        DigitBackend dl4j = named("dl4j");
        assertThat(registry(List.of(named("djl"), dl4j), Map.of(), Map.of("MNIST_BACKEND", "dl4j")).choose())
                .isSameAs(dl4j);
    }

    @Test
    void anUnknownNameListsWhatIsPresent() {
        BackendRegistry r = registry(List.of(named("djl"), named("dl4j")), Map.of("mnist.backend", "tensorflow"),
                Map.of());
        assertThatThrownBy(r::choose).isInstanceOf(BackendNotFoundException.class)
                .hasMessage("[mnist] No backend named 'tensorflow' (from -Dmnist.backend) is on the classpath."
                        + " Present: djl, dl4j. To use another, add io.mnist:mnist-djl (DJL on PyTorch) or"
                        + " io.mnist:mnist-dl4j (Deeplearning4j). See README.md#choosing-a-backend");
        assertThatThrownBy(() -> r.require("onnx", "")).hasMessageContaining("No backend named 'onnx' is on");
    }

    @Test
    void aProviderThatFailsToLoadIsReportedAndSkipped() {
        DigitBackend djl = named("djl");
        Iterator<DigitBackend> it = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < 2;
            }

            @Override
            public DigitBackend next() {
                if (i++ == 0) {
                    throw new ServiceConfigurationError("io.mnist.broken.Backend: Provider could not be instantiated");
                }
                if (i > 2) {
                    throw new NoSuchElementException();
                }
                return djl;
            }
        };
        BackendRegistry r = new BackendRegistry(() -> it, k -> null, k -> null,
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(r.choose()).isSameAs(djl);
        assertThat(diagnostics()).isEqualTo("[mnist] A backend failed to load and was skipped:"
                + " io.mnist.broken.Backend: Provider could not be instantiated" + System.lineSeparator());
    }

    @Test
    void serviceLoaderFindsTheRegisteredBackends() {
        assertThat(DigitClassifiers.available()).contains("fake", "fake-racy");
        assertThat(DigitClassifiers.backend("fake")).isInstanceOf(FakeBackend.class);
    }
}
