package io.mnist.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Keeps an engine's start-up chatter out of the application's log: the INFO lines some engines print on every
 * start, unconditionally (which natives jar was found, thread counts, the CPU's vector level), by raising the
 * loggers that print them to WARN, before the engine starts.
 *
 * <p>A logger the application has configured itself is left as it is, and nothing is done with
 * {@code -D}{@value #PROPERTY}{@code =keep}. SLF4J is reached by reflection (this module does not depend on it), and
 * only these bindings are known: slf4j-simple (a {@code org.slf4j.simpleLogger.log.NAME} system property, unless
 * that key is set already or in {@code simplelogger.properties}), Logback (the logger's level, unless it has one)
 * and {@code java.util.logging} through slf4j-jdk14 (likewise). With another binding (Log4j 2, for instance) the
 * lines appear; configure those loggers to WARN there. Warnings and errors always pass.
 */
public final class EngineLogs {
    /** System property: {@code keep} leaves the engines' loggers as the application configured them. */
    public static final String PROPERTY = "mnist.engineLogs";
    /** java.util.logging holds its loggers weakly: a level set on one lasts only while it is referenced. */
    private static final List<Object> KEPT = new ArrayList<>();

    private EngineLogs() {
    }

    /**
     * Raises each of the named loggers to WARN where the application has not set its level; call before the
     * engine's classes that own them are loaded. Never throws: a binding that cannot be reached is left alone.
     *
     * @param loggers the loggers' names, as the engine creates them (usually class names)
     */
    public static void quiet(String... loggers) {
        raise(false, loggers);
    }

    /**
     * Raises each of the named loggers to ERROR where the application has not set its level: for warnings that do
     * not apply to how the backend uses its engine (a CUDA probe's warning, when the backend runs the engine's CPU
     * build). Same rules as {@link #quiet}.
     *
     * @param loggers the loggers' names
     */
    public static void quietWarnings(String... loggers) {
        raise(true, loggers);
    }

    private static synchronized void raise(boolean toError, String... loggers) {
        if ("keep".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
            return;
        }
        Object factory;
        try {
            Class<?> slf4j = Class.forName("org.slf4j.LoggerFactory", true, EngineLogs.class.getClassLoader());
            factory = slf4j.getMethod("getILoggerFactory").invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return; // no SLF4J: the engines cannot log through it either
        }
        String binding = factory.getClass().getName();
        for (String name : loggers) {
            try {
                switch (binding) {
                    case "org.slf4j.simple.SimpleLoggerFactory", "org.slf4j.impl.SimpleLoggerFactory" -> simple(name, toError);
                    case "ch.qos.logback.classic.LoggerContext" -> logback(factory, name, toError);
                    case "org.slf4j.jul.JDK14LoggerFactory", "org.slf4j.impl.JDK14LoggerFactory" -> jul(name, toError);
                    default -> {
                        return;
                    }
                }
            } catch (ReflectiveOperationException | IOException | LinkageError | RuntimeException e) {
                // A binding of another version than expected: leave its loggers as they are.
            }
        }
    }

    private static void simple(String name, boolean toError) throws IOException {
        String key = "org.slf4j.simpleLogger.log." + name;
        if (System.getProperty(key) != null) {
            return;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader != null ? loader : EngineLogs.class.getClassLoader())
                .getResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                Properties file = new Properties();
                file.load(in);
                if (file.getProperty(key) != null) {
                    return;
                }
            }
        }
        System.setProperty(key, toError ? "error" : "warn");
    }

    private static void logback(Object context, String name, boolean toError) throws ReflectiveOperationException {
        Object logger = context.getClass().getMethod("getLogger", String.class).invoke(context, name);
        if (logger.getClass().getMethod("getLevel").invoke(logger) != null) {
            return;
        }
        Class<?> level = Class.forName("ch.qos.logback.classic.Level", true, context.getClass().getClassLoader());
        Method setLevel = logger.getClass().getMethod("setLevel", level);
        setLevel.invoke(logger, level.getField(toError ? "ERROR" : "WARN").get(null));
    }

    private static void jul(String name, boolean toError) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        if (logger.getLevel() == null) {
            logger.setLevel(toError ? java.util.logging.Level.SEVERE : java.util.logging.Level.WARNING);
            KEPT.add(logger);
        }
    }
}
