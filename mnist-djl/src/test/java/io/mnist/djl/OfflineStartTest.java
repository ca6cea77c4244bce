package io.mnist.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine starts with no network at all: in a fresh JVM whose every connection attempt fails loudly, with an
 * empty native cache, PyTorch unpacks from the jars on the classpath and runs a forward pass.
 */
class OfflineStartTest {

    @Test
    void startsWithNoNetworkFromTheNativeJarsIntoARedirectedCache(@TempDir Path cache) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName()).redirectErrorStream(true);
        builder.environment().put("DJL_CACHE_DIR", cache.resolve("djl").toString());
        builder.environment().put("ENGINE_CACHE_DIR", cache.resolve("engines").toString());
        builder.environment().remove("DJL_OFFLINE");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(5, TimeUnit.MINUTES);
        assertThat(process.exitValue()).as("probe output:%n%s", output).isZero();
        assertThat(output).contains("offline=true").contains("probabilities=10").doesNotContain("network attempt");
        assertThat(output).as("slf4j-simple logs at INFO here; the engine's start stays shorter")
                .doesNotContain("graph executor optimizer");
        try (Stream<Path> files = Files.walk(cache)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).as("natives unpacked into the redirected cache").contains("libtorch_cpu.so")
                    .anyMatch(name -> name.endsWith("libdjl_torch.so"));
        }
    }

    /** Runs in the child JVM: refuses every connection, then starts the engine and classifies one image. */
    public static final class Probe {
        public static void main(String[] args) throws IOException {
            ProxySelector.setDefault(new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    System.out.println("network attempt: " + uri);
                    throw new IllegalStateException("network access attempted: " + uri);
                }

                @Override
                public void connectFailed(URI uri, SocketAddress address, IOException e) {
                }
            });
            DjlEngine.get();
            System.out.println("engine=" + DjlEngine.version() + " offline=" + System.getProperty("ai.djl.offline"));
            try (ai.djl.ndarray.NDManager manager = DjlEngine.get().newBaseManager()) {
                DjlNetwork network = new DjlNetwork(io.mnist.api.NetworkSpec.seed());
                network.initialize(manager);
                float[] p = network.forward(new ai.djl.training.ParameterStore(manager, false),
                        manager.zeros(new ai.djl.ndarray.types.Shape(1, 784)), false).softmax(-1).toFloatArray();
                System.out.println("probabilities=" + p.length);
            }
        }
    }
}
