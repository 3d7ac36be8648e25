package io.rigpool.gateway.jobs.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.availability.Availability;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobRequest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class UnpublishedJobSweeperTest {

    static final String MODEL = "gateway-sweeper-model";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Availability availability;

    @Test
    void aJobLeftUnpublishedIsPublishedBySweeper() throws Exception {
        JobRows rows = new JobRows(dataSource);
        UUID id = UUID.randomUUID();
        Instant createdAt = Instant.parse("2026-01-01T10:00:00Z");
        rows.insertUnpublished(id, MODEL, "left behind", createdAt);

        JobRequest request = JobRequest.parseFrom(TestKafka.awaitRecord(Topics.jobs(MODEL), id.toString()).value());
        assertEquals(id.toString(), request.getJobId());
        assertEquals("left behind", request.getMessages(0).getContent());
        assertEquals(32, request.getMaxTokens());
        assertEquals(7, request.getSeed());
        assertEquals("END", request.getStop(0));
        assertEquals(createdAt.toEpochMilli(), request.getSubmittedAtMs());

        await("published_at of " + id).atMost(TestKafka.DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> rows.find(id).get("published_at") != null);
    }

    /**
     * A job still queued long after its publish (its record dropped by the share group after too many deliveries,
     * say) is published again, once per {@code republish-after}.
     */
    @Test
    void aJobStillQueuedLongAfterItsPublishIsPublishedAgain() throws Exception {
        JobRows rows = new JobRows(dataSource);
        UUID id = UUID.randomUUID();
        Instant createdAt = Instant.parse("2026-01-01T10:00:00Z");
        rows.insertPublished(id, MODEL, "dropped by the queue", createdAt, createdAt.plusSeconds(1));

        JobRequest request = JobRequest.parseFrom(TestKafka.awaitRecord(Topics.jobs(MODEL), id.toString()).value());
        assertEquals("dropped by the queue", request.getMessages(0).getContent());
        await("published_at of " + id + " moved on").atMost(TestKafka.DEADLINE)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> rows.find(id).get("published_at").toString().compareTo("2026-06") > 0);
    }

    /**
     * After a Kafka outage, a job published just before it and still queued while a job of its model submitted
     * later has been running for a while is published again (its record skipped by the queue), without waiting
     * for republish-after.
     */
    @Test
    void aJobOvertakenAfterAKafkaOutageIsPublishedAgain() throws Exception {
        JobRows rows = new JobRows(dataSource);
        Instant upAgain = Instant.now().minusSeconds(70);
        Availability.Outage outage = new Availability.Outage(upAgain.minusSeconds(10), upAgain);
        // The app's own probe reports too, once a second: tell again should its report have come in between.
        for (int i = 0; i < 5 && !availability.lastKafkaOutage().equals(Optional.of(outage)); i++) {
            availability.observeKafka(true, upAgain.minusSeconds(11));
            availability.observeKafka(false, outage.downSince());
            availability.observeKafka(false, upAgain.minusSeconds(9));
            availability.observeKafka(true, upAgain);
        }
        assertEquals(Optional.of(outage), availability.lastKafkaOutage());
        UUID skipped = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        rows.insertPublished(skipped, MODEL, "skipped at the restart", upAgain.minusSeconds(15),
                upAgain.minusSeconds(14));
        rows.insertPublished(later, MODEL, "ran", upAgain.minusSeconds(3), upAgain.minusSeconds(2));
        rows.setStarted(later, upAgain.minusSeconds(1));

        JobRequest request = JobRequest.parseFrom(
                TestKafka.awaitRecord(Topics.jobs(MODEL), skipped.toString()).value());
        assertEquals("skipped at the restart", request.getMessages(0).getContent());
    }
}
