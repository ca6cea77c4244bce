package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.LibraryVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** mnist-bom has no parent (so users import only what it lists); what it pins must still match the build. */
class BomTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static String first(String xml, String regex) {
        Matcher m = Pattern.compile(regex).matcher(xml);
        assertThat(m.find()).as("%s in the pom", regex).isTrue();
        return m.group(1);
    }

    @Test
    void pinsThisBuildsVersionAndItsSlf4jApi() throws Exception {
        String bom = Files.readString(ROOT.resolve("mnist-bom/pom.xml"));
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        assertThat(first(bom, "<artifactId>mnist-bom</artifactId>\\s*<version>([^<]+)</version>"))
                .isEqualTo(LibraryVersion.current());
        assertThat(first(bom, "<slf4j.version>([^<]+)</slf4j.version>"))
                .isEqualTo(first(parent, "<slf4j.version>([^<]+)</slf4j.version>"));
        for (String artifact : new String[] {"mnist-api", "mnist-djl", "mnist-dl4j", "mnist-onnxruntime"}) {
            assertThat(bom).contains("<artifactId>" + artifact + "</artifactId>");
        }
    }

    /**
     * Every module a user could depend on is in the BOM: all of the build's modules but the BOM itself, the example
     * program (an application, run with ./mnist) and those never installed (the benchmarks).
     */
    @Test
    void listsEveryLibraryModuleOfTheBuild() throws Exception {
        String bom = Files.readString(ROOT.resolve("mnist-bom/pom.xml"));
        List<String> libraries = new ArrayList<>();
        Matcher modules = Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (modules.find()) {
            String module = modules.group(1);
            String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
            if (!module.equals("mnist-bom") && !module.equals("mnist-cli-example")
                    && !pom.contains("<maven.install.skip>true</maven.install.skip>")) {
                libraries.add(module);
            }
        }

        assertThat(libraries).as("the build's library modules").contains("mnist-api", "mnist-server", "mnist-spark");
        for (String library : libraries) {
            assertThat(bom).as("mnist-bom lists " + library).containsPattern("<artifactId>" + library
                    + "</artifactId>\\s*<version>\\$\\{project.version}</version>");
        }
    }
}
