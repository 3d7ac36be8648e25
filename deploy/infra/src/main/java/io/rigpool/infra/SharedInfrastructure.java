package io.rigpool.infra;

/**
 * One infrastructure per JVM for a test run: starting PostgreSQL and Kafka takes seconds, so every test class in a
 * module shares them and each test keeps apart by its own topics, ids and rows. Stopped when the JVM exits.
 */
public final class SharedInfrastructure {

    private static Infrastructure instance;

    private SharedInfrastructure() {
    }

    public static synchronized Infrastructure get() {
        if (instance == null) {
            Infrastructure started = InfrastructureFactory.start(InfrastructureFactory.Options.temporary());
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-infrastructure-stop"));
            instance = started;
        }
        return instance;
    }
}
