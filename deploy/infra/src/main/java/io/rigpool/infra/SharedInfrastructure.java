package io.rigpool.infra;

import io.rigpool.common.files.Directories;

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
                Directories.deleteRecursively(options.dataDir());
            }, "shared-infrastructure-stop"));
            instance = started;
        }
        return instance;
    }
}
