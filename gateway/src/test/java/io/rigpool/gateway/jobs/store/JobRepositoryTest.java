package io.rigpool.gateway.jobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class JobRepositoryTest {

    static final String MODEL = "gateway-repository-model";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JobRepository repository;

    /** What the missed-end check asks for requests still waiting: its statement was once not valid SQL. */
    @Test
    void finishedAmongGivesTheEndedJobsOfThoseAskedFor() {
        JobRows rows = new JobRows(dataSource);
        UUID succeeded = UUID.randomUUID();
        UUID running = UUID.randomUUID();
        UUID queued = UUID.randomUUID();
        UUID cancelledNotAsked = UUID.randomUUID();
        for (UUID id : List.of(succeeded, running, queued, cancelledNotAsked)) {
            rows.insertUnpublished(id, MODEL, "hello", Instant.now());
        }
        rows.setStatus(succeeded, "succeeded");
        rows.setStatus(running, "running");
        rows.setStatus(cancelledNotAsked, "cancelled");

        Set<UUID> found = repository.finishedAmong(List.of(succeeded, running, queued)).stream()
                .map(JobRow::id).collect(Collectors.toSet());

        assertEquals(Set.of(succeeded), found);
    }
}
