package io.rigpool.infra;

import java.util.Map;

/**
 * A running PostgreSQL and Kafka broker, whichever way they were started. The fault tests stop and start each
 * server on the same address and data, as a crash and restart would.
 */
public interface Infrastructure extends AutoCloseable {

    String kafkaBootstrapServers();

    /**
     * Kafka client settings (without the {@code kafka.} prefix) a service of this role needs besides the bootstrap
     * servers: SASL credentials on a secured broker, none on an open one.
     */
    default Map<String, String> kafkaClientSettings(KafkaRole role) {
        return Map.of();
    }

    /** Settings for a client that may do anything (tests that read every topic); none on an open broker. */
    default Map<String, String> kafkaAdminSettings() {
        return Map.of();
    }

    /** JDBC URL of the rigpool database. */
    String jdbcUrl();

    String databaseUser();

    String databasePassword();

    /** "embedded" or "containers". */
    String kind();

    void stopKafka();

    void startKafka();

    void stopPostgres();

    void startPostgres();

    @Override
    void close();
}
