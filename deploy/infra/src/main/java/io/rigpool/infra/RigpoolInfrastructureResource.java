package io.rigpool.infra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} the shared real PostgreSQL and Kafka: use it through {@link RigpoolQuarkusTest}, which
 * names it once for every test.
 */
public class RigpoolInfrastructureResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Infrastructure infra = SharedInfrastructure.get();
        return Map.of(
                "kafka.bootstrap.servers", infra.kafkaBootstrapServers(),
                "quarkus.datasource.jdbc.url", infra.jdbcUrl(),
                "quarkus.datasource.username", infra.databaseUser(),
                "quarkus.datasource.password", infra.databasePassword());
    }

    @Override
    public void stop() {
        // The shared servers outlive one test class; a JVM shutdown hook stops them.
    }
}
