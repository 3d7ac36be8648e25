package io.rigpool.infra;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** PostgreSQL and Kafka as embedded real servers, with their data under one directory. */
public final class EmbeddedInfrastructure implements Infrastructure {

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaBroker kafka;

    public EmbeddedInfrastructure(Path dataDir, int postgresPort, int kafkaPort, int defaultPartitions) {
        this(dataDir, postgresPort, kafkaPort, defaultPartitions, Optional.empty());
    }

    public EmbeddedInfrastructure(Path dataDir, int postgresPort, int kafkaPort, int defaultPartitions,
            Optional<KafkaSecurity> kafkaSecurity) {
        this.postgres = new EmbeddedPostgresServer(dataDir.resolve("postgres"), postgresPort);
        this.kafka = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), kafkaPort, defaultPartitions, kafkaSecurity);
    }

    /** Starts both servers side by side: each takes seconds, and they do not depend on each other. */
    public EmbeddedInfrastructure start() {
        Thread pg = new Thread(postgres::start, "embedded-postgres-start");
        Throwable[] pgFailure = new Throwable[1];
        pg.setUncaughtExceptionHandler((t, e) -> pgFailure[0] = e);
        pg.start();
        Throwable failure = null;
        try {
            kafka.start();
        } catch (RuntimeException | LinkageError e) {
            failure = e;
        }
        try {
            pg.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = failure != null ? failure : e;
        }
        failure = failure != null ? failure : pgFailure[0];
        if (failure != null) {
            // Never leave one server running when the pair failed: the caller has nothing to close.
            close();
            throw new IllegalStateException("could not start the embedded servers: " + failure, failure);
        }
        return this;
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public Map<String, String> kafkaClientSettings(KafkaRole role) {
        return kafka.security().map(s -> s.clientSettings(role)).orElse(Map.of());
    }

    @Override
    public Map<String, String> kafkaAdminSettings() {
        return kafka.security().map(KafkaSecurity::adminSettings).orElse(Map.of());
    }

    @Override
    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    @Override
    public String databaseUser() {
        return EmbeddedPostgresServer.USER;
    }

    @Override
    public String databasePassword() {
        return "";
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public void stopKafka() {
        kafka.stop();
    }

    @Override
    public void startKafka() {
        kafka.start();
    }

    @Override
    public void stopPostgres() {
        postgres.stop();
    }

    @Override
    public void startPostgres() {
        postgres.start();
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }
}
