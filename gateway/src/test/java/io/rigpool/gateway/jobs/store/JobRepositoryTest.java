package io.rigpool.gateway.jobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Gathered marks: each row gets the moment its own job was acknowledged, and a marked row keeps its mark. */
    @Test
    void markingPublishedStoresEachJobsOwnMomentOnce() throws SQLException {
        JobRows rows = new JobRows(dataSource);
        // Created now, so the sweeper (min-age 2 s here) cannot claim the unpublished rows while the test runs.
        Instant created = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID marked = UUID.randomUUID();
        rows.insertUnpublished(first, MODEL, "hello", created);
        rows.insertUnpublished(second, MODEL, "hello", created);
        rows.insertPublished(marked, MODEL, "hello", created, created.plusSeconds(1));
        Map<UUID, Instant> publishedAt = new LinkedHashMap<>();
        publishedAt.put(first, created.plusMillis(5).plusNanos(123_000));
        publishedAt.put(second, created.plusMillis(7));
        publishedAt.put(marked, created.plusSeconds(30));

        int changed;
        try (Connection connection = dataSource.getConnection()) {
            changed = new JobTable().markPublished(connection, publishedAt);
        }

        assertEquals(2, changed, "the row already marked is left alone");
        assertEquals(publishedAt.get(first), publishedAt(rows, first));
        assertEquals(publishedAt.get(second), publishedAt(rows, second));
        assertEquals(created.plusSeconds(1), publishedAt(rows, marked));
    }

    private static Instant publishedAt(JobRows rows, UUID id) {
        return ((Timestamp) rows.find(id).get("published_at")).toInstant();
    }
}
