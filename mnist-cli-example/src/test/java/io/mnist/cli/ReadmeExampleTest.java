package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mnist.api.LibraryVersion;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Maven block and Java programs work as written for someone outside this build: a fresh Maven
 * project made of the README's dependency block and every complete program in its Java blocks is compiled against
 * this build's artifacts, installed (as {@code mvn install} lays them out) into a scratch local repository, and
 * {@code ReadDigit} is run on a sample image.
 *
 * <p>Everything else the project needs comes from the user's local repository, served to the scratch one as a
 * file mirror: no network. Needs the reactor's jars, so it runs in {@code mvn verify} (not in {@code mvn test}).
 */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String VERSION = LibraryVersion.current();
    private static final Pattern BLOCK = Pattern.compile("```(xml|java)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PUBLIC_CLASS = Pattern.compile("public class (\\w+)");
    /** The plugins a plain 'compile' needs, at versions this build already uses (so they are in ~/.m2). */
    private static final String PLUGINS = """
              <build>
                <pluginManagement>
                  <plugins>
                    <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                    <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
                  </plugins>
                </pluginManagement>
              </build>
            """;

    @Test
    void theReadmeDependencyBlockAndJavaProgramsCompileAndReadDigitRuns() throws Exception {
        Path work = ROOT.resolve("mnist-cli-example/target/readme-example");
        deleteRecursively(work);
        Path repo = Files.createDirectories(work.resolve("repo"));
        installOurArtifacts(repo);

        String readme = Files.readString(ROOT.resolve("README.md"));
        String dependencies = null;
        List<String> programs = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            if (m.group(1).equals("xml") && m.group(2).contains("<artifactId>mnist-bom</artifactId>")) {
                dependencies = m.group(2);
            } else if (m.group(1).equals("java") && PUBLIC_CLASS.matcher(m.group(2)).find()) {
                programs.add(m.group(2));
            }
        }
        assertThat(dependencies).as("the README's Maven block with the BOM").isNotNull();
        assertThat(programs).as("complete Java programs in the README").hasSizeGreaterThanOrEqualTo(2);

        Path project = Files.createDirectories(work.resolve("project"));
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>readme-example</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                """ + dependencies + PLUGINS + "</project>\n");
        Path sources = Files.createDirectories(project.resolve("src/main/java"));
        List<String> classes = new ArrayList<>();
        for (String program : programs) {
            Matcher name = PUBLIC_CLASS.matcher(program);
            assertThat(name.find()).isTrue();
            classes.add(name.group(1));
            Files.writeString(sources.resolve(name.group(1) + ".java"), program);
        }
        assertThat(classes).contains("ReadDigit", "TrainAndSave");

        Path settings = work.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>user-local-repository</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(userRepository().toUri()));
        Path classpathFile = work.resolve("classpath.txt");
        Process build = new ProcessBuilder(mvn(), "-B", "-q", "-ntp", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repo, "-f", project.resolve("pom.xml").toString(), "compile",
                "dependency:build-classpath", "-Dmdep.includeScope=runtime",
                "-Dmdep.outputFile=" + classpathFile).redirectErrorStream(true).start();
        String buildOutput = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(build.waitFor()).as("mvn compile of the README project:%n%s", buildOutput).isZero();
        for (String name : classes) {
            assertThat(project.resolve("target/classes/" + name + ".class")).exists();
        }

        String classpath = Files.readString(classpathFile).strip();
        List<String> jars = List.of(classpath.split(File.pathSeparator));
        assertThat(jars).as("one SLF4J API, version 2, whichever engine asks for what")
                .filteredOn(j -> j.contains("slf4j-api")).singleElement().asString().contains("slf4j-api-2.");
        assertThat(jars).as("the natives of this machine, picked by mnist-djl's platform profile")
                .anyMatch(j -> j.endsWith("pytorch-native-cpu-2.7.1-linux-x86_64.jar"));

        Path sample = ROOT.resolve("samples/0000-test09000-label7.png");
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                project.resolve("target/classes") + File.pathSeparator + classpath, "ReadDigit", sample.toString())
                .redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor()).as("ReadDigit output:%n%s", output).isZero();
        List<String> lines = output.strip().lines().toList();
        assertThat(lines.get(lines.size() - 1)).as("ReadDigit prints the digit and its confidence:%n%s", output)
                .matches("7 \\((0\\.9\\d*|1\\.0)\\)");
        assertThat(lines.subList(0, lines.size() - 1)).as("with no SLF4J binding only SLF4J's own notice, no engine")
                .allMatch(line -> line.startsWith("SLF4J(W): "));

        // An application that binds slf4j-simple at INFO: the engines' start-up lines are raised to WARN, so only the
        // answer is printed; with -Dmnist.engineLogs=keep they are back (the test can fail).
        String simple = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(j -> j.contains("slf4j-simple")).findFirst().orElseThrow();
        String withBinding = project.resolve("target/classes") + File.pathSeparator + classpath + File.pathSeparator
                + simple;
        for (boolean keep : new boolean[] {false, true}) {
            List<String> command = javaAtInfo(keep);
            command.addAll(List.of("-cp", withBinding, "ReadDigit", sample.toString()));
            Process logged = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(logged.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(logged.waitFor()).as("ReadDigit with slf4j-simple:%n%s", text).isZero();
            List<String> printed = text.strip().lines().toList();
            if (keep) {
                assertThat(printed).as("engine lines kept on request:%n%s", text).anyMatch(l -> l.startsWith("[main] INFO"));
            } else {
                assertThat(printed).as("slf4j-simple at INFO prints only the answer:%n%s", text).hasSize(1);
            }
        }

        // ImportKeras reads an HDF5 file with jHDF, which logs at INFO (dozens of lines per file, and its jar's
        // simplelogger.properties sends slf4j-simple's output to stdout): raised to WARN like the engines' loggers.
        Path kerasDir = Files.createTempDirectory("readme-keras-");
        try {
            Files.copy(sample, kerasDir.resolve("digit.png"));
            for (boolean keep : new boolean[] {false, true}) {
                List<String> command = javaAtInfo(keep);
                command.addAll(List.of("-cp", withBinding, "ImportKeras",
                        ROOT.resolve("../shared/keras/Purinat33_Streamlit-MNIST__mnist_cnn.h5").toString()));
                Process imported = new ProcessBuilder(command).directory(kerasDir.toFile()).redirectErrorStream(true)
                        .start();
                String text = new String(imported.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(imported.waitFor()).as("ImportKeras with slf4j-simple:%n%s", text).isZero();
                if (keep) {
                    assertThat(text).as("jHDF's lines kept on request").contains("io.jhdf");
                } else {
                    assertThat(text).as("ImportKeras with slf4j-simple at INFO prints nothing from jHDF")
                            .doesNotContain("io.jhdf");
                }
            }
        } finally {
            deleteRecursively(kerasDir);
        }
    }

    /** This JVM's java with slf4j-simple at INFO, and with {@code keep} the engines' loggers left as they are. */
    private static List<String> javaAtInfo(boolean keep) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        if (keep) {
            command.add("-Dmnist.engineLogs=keep");
        }
        return command;
    }

    /** Lays out parent, BOM and the library jars in {@code repo} as {@code mvn install} would. */
    private static void installOurArtifacts(Path repo) throws IOException {
        install(repo, "mnist-parent", ROOT.resolve("pom.xml"), null);
        install(repo, "mnist-bom", ROOT.resolve("mnist-bom/pom.xml"), null);
        for (String module : List.of("mnist-api", "mnist-djl", "mnist-dl4j")) {
            Path jar = ROOT.resolve(module + "/target/" + module + "-" + VERSION + ".jar");
            assumeTrue(Files.exists(jar), "needs the reactor's packaged jars (mvn verify), missing " + jar);
            install(repo, module, ROOT.resolve(module + "/pom.xml"), jar);
        }
    }

    private static void install(Path repo, String artifact, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("io/mnist/" + artifact + "/" + VERSION));
        Files.copy(pom, dir.resolve(artifact + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path userRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static String mvn() {
        return System.getProperty("os.name").startsWith("Windows") ? "mvn.cmd" : "mvn";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
