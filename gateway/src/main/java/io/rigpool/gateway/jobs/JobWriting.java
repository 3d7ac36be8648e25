package io.rigpool.gateway.jobs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.jobs.outbox.JobPublishing;
import io.rigpool.gateway.jobs.store.JdbcTransaction;
import io.rigpool.gateway.jobs.store.JobTable;
import io.rigpool.gateway.jobs.store.JobWriter;
import io.rigpool.gateway.jobs.store.WriteOutcome;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs the {@link JobWriter} against the datasource, publishing each committed batch. */
@ApplicationScoped
public class JobWriting {

    private final JobTable table = new JobTable();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JobPublishing publishing;

    @Inject
    GatewayConfig config;

    private JobWriter writer;

    void start(@Observes StartupEvent event) {
        writer = new JobWriter(this::writeBatch, publishing::publish, config.writer().maxBatch(),
                config.writer().maxQueued()).start();
    }

    /** Before the publisher stops, so every job written is also handed to it. */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION - 100) ShutdownEvent event) {
        if (writer != null) {
            writer.close(Duration.ofSeconds(10));
        }
    }

    public CompletableFuture<WriteOutcome> write(NewJob job) {
        return writer.submit(job);
    }

    public boolean alive() {
        return writer != null && writer.alive();
    }

    private List<WriteOutcome> writeBatch(List<NewJob> jobs) throws SQLException {
        return JdbcTransaction.run(dataSource, connection -> table.insert(connection, jobs));
    }
}
