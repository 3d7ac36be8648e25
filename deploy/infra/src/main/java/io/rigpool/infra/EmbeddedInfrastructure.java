package io.rigpool.infra;

import java.nio.file.Path;

/** PostgreSQL and Kafka as embedded real servers, with their data under one directory. */
public final class EmbeddedInfrastructure implements Infrastructure {

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaBroker kafka;

    public EmbeddedInfrastructure(Path dataDir, int postgresPort, int kafkaPort, int defaultPartitions) {
        this.postgres = new EmbeddedPostgresServer(dataDir.resolve("postgres"), postgresPort);
        this.kafka = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), kafkaPort, defaultPartitions);
    }

    /** Starts both servers side by side: each takes seconds, and they do not depend on each other. */
    public EmbeddedInfrastructure start() {
        Thread pg = new Thread(postgres::start, "embedded-postgres-start");
        RuntimeException[] failure = new RuntimeException[1];
        pg.setUncaughtExceptionHandler((t, e) -> failure[0] = e instanceof RuntimeException r ? r
                : new IllegalStateException(e));
        pg.start();
        try {
            kafka.start();
        } finally {
            try {
                pg.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting PostgreSQL", e);
            }
        }
        if (failure[0] != null) {
            kafka.stop();
            throw failure[0];
        }
        return this;
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
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
