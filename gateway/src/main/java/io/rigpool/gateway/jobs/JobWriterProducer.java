package io.rigpool.gateway.jobs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.jobs.outbox.JobPublishing;
import io.rigpool.gateway.database.JdbcTransaction;
import io.rigpool.gateway.jobs.store.JobTable;
import io.rigpool.gateway.jobs.store.JobWriter;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;

/** Makes the {@link JobWriter} that stores new jobs through the datasource and publishes each committed batch. */
@Singleton
public class JobWriterProducer {

    @Produces
    @Singleton
    @Startup
    JobWriter writer(AgroalDataSource dataSource, JobPublishing publishing, GatewayConfig config) {
        JobTable table = new JobTable();
        return new JobWriter(jobs -> JdbcTransaction.run(dataSource, connection -> table.insert(connection, jobs)),
                publishing::publish, config.writer().maxBatch(), config.writer().maxQueued()).start();
    }

    /**
     * Before the publisher stops, so every job written is also handed to it. An observer and not a disposer: CDI
     * destroys beans in no set order, and a disposer could run after the publisher has closed.
     */
    void close(@Observes @Priority(Interceptor.Priority.APPLICATION - 100) ShutdownEvent event, JobWriter writer) {
        writer.close(Duration.ofSeconds(10));
    }
}
