package io.rigpool.gateway.jobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The sweeper's look, after a Kafka outage, for queued jobs whose records the queue skipped. */
@RigpoolQuarkusTest
class OvertakenJobsTest {

    static final String MODEL = "gateway-overtaken-model";
    static final String OTHER_MODEL = "gateway-overtaken-other-model";
    static final String MODEL_2 = "gateway-overtaken-model-2";
    /**
     * The jobs' times: 20 min ago, so that the running app's own sweeper leaves them alone while a test looks (not
     * yet republish-after, 30 min, old, and far from any outage another test made, which it watches for 10 min).
     */
    static final Supplier<Instant> AWAY_FROM_THE_SWEEPER = () -> Instant.now().minus(Duration.ofMinutes(20));

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JobRepository repository;

    @Test
    void aQueuedJobOvertakenByALaterOneOfItsModelIsClaimedOnce() {
        JobRows rows = new JobRows(dataSource);
        Instant t = AWAY_FROM_THE_SWEEPER.get();
        UUID skipped = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        UUID waitingAlone = UUID.randomUUID();
        UUID outsideWindow = UUID.randomUUID();
        rows.insertPublished(skipped, MODEL, "skipped", t, t.plusSeconds(1));
        rows.insertPublished(later, MODEL, "later", t.plusSeconds(5), t.plusSeconds(6));
        rows.setStarted(later, t.plusSeconds(20));
        // Nothing of its model has started after it: it only waits.
        rows.insertPublished(waitingAlone, OTHER_MODEL, "waiting", t, t.plusSeconds(1));
        // Overtaken as well, but published long before the outage.
        rows.insertPublished(outsideWindow, MODEL, "old", t.minusSeconds(600), t.minusSeconds(599));

        Instant now = t.plusSeconds(120);
        List<JobRow> claimed = repository.claimOvertaken(t.minusSeconds(60), t.plusSeconds(60), now.minusSeconds(30),
                now, 100);

        assertEquals(List.of(skipped), claimed.stream().map(JobRow::id).toList());
        assertEquals(List.of(), repository.claimOvertaken(t.minusSeconds(60), t.plusSeconds(60),
                now.minusSeconds(30), now, 100), "claimed once: its published_at moved out of the window");
    }

    @Test
    void aJobOvertakenOnlyMomentsAgoIsLeftAlone() {
        JobRows rows = new JobRows(dataSource);
        Instant t = AWAY_FROM_THE_SWEEPER.get();
        UUID queued = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        rows.insertPublished(queued, MODEL_2, "queued", t, t.plusSeconds(1));
        rows.insertPublished(later, MODEL_2, "later", t.plusSeconds(5), t.plusSeconds(6));
        rows.setStarted(later, t.plusSeconds(100));

        Instant now = t.plusSeconds(110);
        assertEquals(List.of(), repository.claimOvertaken(t.minusSeconds(60), t.plusSeconds(60),
                now.minusSeconds(30), now, 100));
    }
}
