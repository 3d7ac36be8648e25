package io.rigpool.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rigpool.gateway.jobs.JobStatus;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobListQueryTest {

    @Test
    void everythingLeftOutIsTheFirstPageOfAllJobs() {
        JobListQuery query = JobListQuery.read(null, null, null, null, null, null);
        assertEquals(20, query.limit());
        assertNull(query.after());
        assertEquals(Set.of(), query.filter().statuses());
        assertNull(query.filter().model());
    }

    @Test
    void valuesAreRead() {
        UUID after = UUID.randomUUID();
        JobListQuery query = JobListQuery.read("100", after.toString(), "Queued, running", "tiny",
                "2026-01-01T00:00:00Z", "1767312000");
        assertEquals(100, query.limit());
        assertEquals(after, query.after());
        assertEquals(Set.of(JobStatus.QUEUED, JobStatus.RUNNING), query.filter().statuses());
        assertEquals("tiny", query.filter().model());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), query.filter().createdAfter());
        assertEquals(Instant.ofEpochSecond(1767312000), query.filter().createdBefore());
    }

    @Test
    void wrongValuesAreNamed() {
        assertEquals("limit", assertThrows(ApiException.class,
                () -> JobListQuery.read("-1", null, null, null, null, null)).field());
        assertEquals("status", assertThrows(ApiException.class,
                () -> JobListQuery.read(null, null, "queued,lost", null, null, null)).field());
        assertEquals("created_before", assertThrows(ApiException.class,
                () -> JobListQuery.read(null, null, null, null, null, "tomorrow")).field());
        assertEquals("created_after", assertThrows(ApiException.class,
                () -> JobListQuery.read(null, null, null, null, "99999999999999999999", null)).field());
    }
}
