package io.rigpool.gateway.jobs.store;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class JobRetentionTest {

    static final String MODEL = "gateway-retention-model";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JobRetention retention;

    @Test
    void oldFinishedJobsArePurgedAndEverythingElseIsKept() {
        JobRows rows = new JobRows(dataSource);
        Instant longAgo = Instant.now().minus(Duration.ofDays(400));
        UUID oldFinished = UUID.randomUUID();
        UUID oldQueued = UUID.randomUUID();
        UUID recentFinished = UUID.randomUUID();
        rows.insertUnpublished(oldFinished, MODEL, "old", longAgo);
        rows.setStatus(oldFinished, "succeeded");
        rows.insertUnpublished(oldQueued, MODEL, "old but waiting", longAgo);
        rows.setStatus(oldQueued, "running");
        rows.insertUnpublished(recentFinished, MODEL, "recent", Instant.now());
        rows.setStatus(recentFinished, "failed");

        assertTrue(retention.purge() >= 1);

        assertNull(rows.find(oldFinished));
        assertNotNull(rows.find(oldQueued));
        assertNotNull(rows.find(recentFinished));
    }
}
