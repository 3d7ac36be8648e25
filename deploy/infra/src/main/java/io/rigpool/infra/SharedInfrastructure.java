package io.rigpool.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One infrastructure per JVM for a test run: starting PostgreSQL and Kafka takes seconds, so every test class in a
 * module shares them and each test keeps apart by its own topics, ids and rows. Stopped when the JVM exits, and its
 * data folder (~50 MB, mostly PostgreSQL's) deleted then, so test runs leave nothing under the temp folder.
 */
public final class SharedInfrastructure {

    private static Infrastructure instance;

    private SharedInfrastructure() {
    }

    public static synchronized Infrastructure get() {
        if (instance == null) {
            InfrastructureFactory.Options options = InfrastructureFactory.Options.temporary();
            Infrastructure started = InfrastructureFactory.start(options);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                deleteRecursively(options.dataDir());
            }, "shared-infrastructure-stop"));
            instance = started;
        }
        return instance;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
