package io.mnist.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What mnist-api shows its users and backend authors, and what it keeps to itself. */
class ModuleDescriptorTest {
    /** Where mnist-api's classes are: its classes directory, as the tests run on the class path. */
    private static Path classes() throws Exception {
        return Path.of(LibraryVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleDescriptor descriptor() throws Exception {
        Path file = classes().resolve("module-info.class");
        assertThat(file).as("module-info.class is compiled into mnist-api").exists();
        try (InputStream in = Files.newInputStream(file)) {
            return ModuleDescriptor.read(in);
        }
    }

    /** Every package that holds a class. */
    private static Set<String> packages() throws Exception {
        Path root = classes();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString()
                            .equals("module-info.class"))
                    .map(p -> root.relativize(p.getParent()).toString().replace(java.io.File.separatorChar, '.'))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void exportsTheApiAndSpiPackagesAndKeepsHelpersInside() throws Exception {
        ModuleDescriptor module = descriptor();
        assertThat(module.name()).isEqualTo("io.mnist.api");
        Set<String> exported = module.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(exported).containsExactlyInAnyOrder("io.mnist.api", "io.mnist.api.spi", "io.mnist.api.data",
                "io.mnist.api.image", "io.mnist.api.model", "io.mnist.api.keras",
                "io.mnist.api.onnx", "io.mnist.api.ood");
        assertThat(packages()).as("every package is either exported or internal")
                .containsExactlyInAnyOrderElementsOf(union(exported, Set.of("io.mnist.api.internal",
                        "io.mnist.api.internal.onnx")));
        assertThat(module.uses()).containsExactly("io.mnist.api.spi.DigitBackend");
    }

    @Test
    void noJacksonTypeOrAnnotationIsPartOfThePublicApi() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (String pkg : descriptor().exports().stream().map(ModuleDescriptor.Exports::source).toList()) {
            for (Class<?> type : publicTypesIn(pkg)) {
                for (var a : type.getAnnotations()) {
                    check(leaks, type + " annotation", a.annotationType());
                }
                for (Method m : type.getMethods()) {
                    if (m.getDeclaringClass() != type) {
                        continue;
                    }
                    check(leaks, m.toString(), m.getReturnType());
                    for (Parameter p : m.getParameters()) {
                        check(leaks, m.toString(), p.getType());
                    }
                    for (var a : m.getAnnotations()) {
                        check(leaks, m + " annotation", a.annotationType());
                    }
                }
                for (var c : type.getConstructors()) {
                    for (Parameter p : c.getParameters()) {
                        check(leaks, c.toString(), p.getType());
                    }
                }
            }
        }
        assertThat(leaks).as("Jackson, protobuf or internal types in public signatures").isEmpty();
    }

    private static void check(List<String> leaks, String where, Class<?> type) {
        // The ONNX export's protobuf classes are as internal as Jackson.
        if (type.getName().startsWith("com.fasterxml.") || type.getName().startsWith("com.google.protobuf.")
                || type.getName().startsWith("io.mnist.api.internal.")) {
            leaks.add(where + " uses " + type.getName());
        }
    }

    /** Public top-level and nested types of {@code pkg}, found from the compiled classes next to this one. */
    private static List<Class<?>> publicTypesIn(String pkg) throws Exception {
        Path dir = classes().resolve(pkg.replace('.', '/'));
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (var f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = f.getFileName().toString();
                Class<?> type = Class.forName(pkg + "." + name.substring(0, name.length() - ".class".length()),
                        false, LibraryVersion.class.getClassLoader());
                if (Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass()) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
