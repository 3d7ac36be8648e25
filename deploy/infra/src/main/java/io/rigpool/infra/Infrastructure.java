package io.rigpool.infra;

/**
 * A running PostgreSQL and Kafka broker, whichever way they were started. The fault tests stop and start each
 * server on the same address and data, as a crash and restart would.
 */
public interface Infrastructure extends AutoCloseable {

    String kafkaBootstrapServers();

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
