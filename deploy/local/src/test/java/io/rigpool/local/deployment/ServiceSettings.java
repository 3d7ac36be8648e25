package io.rigpool.local.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The settings a service reads, derived from its sources: the keys of its application.properties, and the names
 * under each {@code @ConfigMapping} prefix (its interfaces' methods, kebab-cased, or their {@code @WithName}).
 * Environment variables are matched the MicroProfile way: {@code RIGPOOL_GATEWAY_AUTH_ENABLED} is
 * {@code rigpool.gateway.auth.enabled} (every character that is not a letter or digit becomes {@code _}, upper
 * case).
 */
public final class ServiceSettings {

    /** Quarkus passes every {@code kafka.*} setting to the service's Kafka clients (its default Kafka config). */
    private static final String KAFKA_FAMILY = "kafka.";
    /**
     * A datasource's password is a secret, so no application.properties holds it, yet the datasource extension
     * reads it wherever a datasource is configured.
     */
    private static final String DATASOURCE_PASSWORD = "quarkus.datasource.password";
    /** Read by Quarkus itself in every app: the further configuration files (the worker bundle's worker.properties). */
    private static final String CONFIG_LOCATIONS = "quarkus.config.locations";

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\"([^\"]+)\"\\)");
    private static final Pattern METHOD = Pattern.compile("^\\s+[\\w<>?,.\\[\\] ]+\\s(\\w+)\\(\\);", Pattern.MULTILINE);

    private record Mapping(String prefix, Set<String> names) {
    }

    private final String module;
    private final Set<String> keys = new HashSet<>();
    private final List<Mapping> mappings = new ArrayList<>();
    private final boolean readsKafka;

    private ServiceSettings(String module) {
        this.module = module;
        Path dir = DeploymentFiles.root().resolve(module).resolve("src/main");
        for (String line : lines(dir.resolve("resources/application.properties"))) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#") && trimmed.contains("=")) {
                String key = trimmed.substring(0, trimmed.indexOf('=')).strip();
                keys.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
            }
        }
        keys.add(CONFIG_LOCATIONS);
        readsKafka = keys.contains("kafka.bootstrap.servers");
        if (keys.contains("quarkus.datasource.db-kind")) {
            keys.add(DATASOURCE_PASSWORD);
        }
        try (Stream<Path> sources = Files.walk(dir.resolve("java"))) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(this::addMapping);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ServiceSettings of(String module) {
        return new ServiceSettings(module);
    }

    public String module() {
        return module;
    }

    private void addMapping(Path source) {
        String text;
        try {
            text = Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher prefix = MAPPING.matcher(text);
        if (!prefix.find()) {
            return;
        }
        Set<String> names = new HashSet<>();
        Matcher method = METHOD.matcher(text);
        while (method.find()) {
            String before = text.substring(Math.max(0, method.start() - 200), method.start());
            Matcher renamed = WITH_NAME.matcher(before.substring(Math.max(0, before.lastIndexOf(';') + 1)));
            names.add(renamed.find() ? renamed.group(1) : kebab(method.group(1)));
        }
        mappings.add(new Mapping(prefix.group(1), names));
    }

    /** Whether a property of this name is one the service reads. */
    public boolean readsProperty(String property) {
        if (keys.contains(property) || (readsKafka && property.startsWith(KAFKA_FAMILY))) {
            return true;
        }
        for (Mapping mapping : mappings) {
            if (property.startsWith(mapping.prefix() + ".")
                    && mapping.names().containsAll(List.of(property.substring(mapping.prefix().length() + 1)
                            .split("\\.")))) {
                return true;
            }
        }
        return false;
    }

    /** Whether an environment variable of this name sets a property the service reads. */
    public boolean readsEnvironment(String variable) {
        if (keys.stream().anyMatch(key -> env(key).equals(variable))
                || (readsKafka && variable.startsWith(env(KAFKA_FAMILY)))) {
            return true;
        }
        for (Mapping mapping : mappings) {
            String start = env(mapping.prefix()) + "_";
            if (variable.startsWith(start) && splitsInto(variable.substring(start.length()),
                    mapping.names().stream().map(ServiceSettings::env).toList())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code rest} is one or more of {@code segments} joined by {@code _}. */
    private static boolean splitsInto(String rest, List<String> segments) {
        for (String segment : segments) {
            if (rest.equals(segment)
                    || (rest.startsWith(segment + "_") && splitsInto(rest.substring(segment.length() + 1), segments))) {
                return true;
            }
        }
        return false;
    }

    static String env(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
