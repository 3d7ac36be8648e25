package io.rigpool.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gateway.jobs.JobStatus;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TokenChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobEventHubTest {

    final AtomicLong clock = new AtomicLong();
    final JobEventHub hub = new JobEventHub(Duration.ofMinutes(10), Duration.ofMinutes(1), 3, clock::get);
    final UUID job = UUID.randomUUID();

    /** Writes down what it hears: "0:Hel", "end:succeeded". */
    static final class Heard implements JobListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onToken(int seq, String text) {
            events.add(seq + ":" + text);
        }

        @Override
        public void onFinished(JobOutcome outcome) {
            events.add("end:" + outcome.status().wireName());
        }
    }

    @Test
    void aLateListenerHearsTheTokensSoFarThenTheRest() {
        token(0, "Hel");
        token(1, "lo");
        Heard late = new Heard();
        hub.watch(job, late);
        token(2, "!");
        succeeded();

        assertEquals(List.of("0:Hel", "1:lo", "2:!", "end:succeeded"), late.events);
    }

    @Test
    void onlyTheNodeRunningTheJobMayStreamAndEndIt() {
        Heard heard = new Heard();
        hub.watch(job, heard);
        running("node-a");
        chunk("node-a", 0, "Hel");
        chunk("node-b", 1, "FORGED");
        hub.onUpdate(JobUpdate.newBuilder().setJobId(job.toString()).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-b").setText("forged").build());
        // The job moves to node-c (node-a crashed); node-a's late chunk no longer counts.
        running("node-c");
        chunk("node-a", 1, "late");
        chunk("node-c", 1, "lo");
        hub.onUpdate(JobUpdate.newBuilder().setJobId(job.toString()).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-c").setText("Hello").build());

        assertEquals(List.of("0:Hel", "1:lo", "end:succeeded"), heard.events);
    }

    private void running(String node) {
        hub.onUpdate(JobUpdate.newBuilder().setJobId(job.toString()).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId(node).build());
    }

    private void chunk(String node, int seq, String text) {
        hub.onToken(TokenChunk.newBuilder().setJobId(job.toString()).setNodeId(node).setSeq(seq).setText(text)
                .build());
    }

    @Test
    void aFloodOfChunksForOneJobIsBounded() {
        Heard heard = new Heard();
        hub.watch(job, heard);
        token(0, "a");
        for (int seq = 2; seq < 2 + JobChannel.MAX_EARLY + 500; seq++) {
            token(seq, "early");
        }
        token(1_000_000, "far ahead");
        token(1, "x".repeat((int) JobChannel.MAX_CHARS));

        assertEquals(List.of("0:a"), heard.events, "nothing past the gap was delivered");
        assertTrue(hub.bufferedChars() <= JobChannel.MAX_CHARS, "buffered " + hub.bufferedChars());
        assertTrue(hub.bufferedChars() <= 1 + 5L * JobChannel.MAX_EARLY, "early chunks beyond the cap were dropped: "
                + hub.bufferedChars());
    }

    @Test
    void repeatsAreDroppedAndEarlyTokensWaitForTheGap() {
        Heard heard = new Heard();
        hub.watch(job, heard);
        token(0, "a");
        token(2, "c");
        token(0, "a again");
        token(1, "b");
        token(2, "c again");

        assertEquals(List.of("0:a", "1:b", "2:c"), heard.events);
    }

    @Test
    void aListenerAfterTheEndHearsEverythingAtOnceAndOnlyTheFirstEndCounts() {
        hub.watch(job, new Heard());
        token(0, "x");
        succeeded();
        hub.onUpdate(update(JobState.JOB_STATE_FAILED));
        Heard after = new Heard();
        hub.watch(job, after);

        assertEquals(List.of("0:x", "end:succeeded"), after.events);
    }

    @Test
    void aWatchedJobWithoutNewsIsReportedForADatabaseCheck() {
        hub.watch(job, new Heard());
        assertEquals(List.of(), hub.watchedUnfinishedIdleFor(Duration.ofSeconds(5)));
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        assertEquals(List.of(job), hub.watchedUnfinishedIdleFor(Duration.ofSeconds(5)));

        hub.finish(job, new JobOutcome(JobStatus.CANCELLED, null, null, null, null, "cancelled"));
        assertEquals(List.of(), hub.watchedUnfinishedIdleFor(Duration.ofSeconds(5)));
    }

    @Test
    void memoryIsGivenBackAfterTheLingerTheIdleTimeAndTheCap() {
        token(0, "finished job");
        succeeded();
        UUID idle = UUID.randomUUID();
        hub.onToken(TokenChunk.newBuilder().setJobId(idle.toString()).setSeq(0).setText("idle").build());
        clock.addAndGet(Duration.ofMinutes(1).toNanos());
        hub.expire();
        assertEquals(1, hub.jobsHeld(), "the finished job is gone after its linger");

        clock.addAndGet(Duration.ofMinutes(9).toNanos());
        hub.expire();
        assertEquals(0, hub.jobsHeld(), "the idle one after the replay window");

        Heard watching = new Heard();
        UUID watched = UUID.randomUUID();
        hub.watch(watched, watching);
        for (int i = 0; i < 5; i++) {
            hub.onToken(TokenChunk.newBuilder().setJobId(UUID.randomUUID().toString()).setSeq(0).setText("t")
                    .build());
            clock.addAndGet(1);
        }
        hub.expire();
        assertEquals(3, hub.jobsHeld());
        hub.onToken(TokenChunk.newBuilder().setJobId(watched.toString()).setSeq(0).setText("kept").build());
        assertTrue(watching.events.contains("0:kept"), "a watched job is never dropped");
    }

    private void token(int seq, String text) {
        hub.onToken(TokenChunk.newBuilder().setJobId(job.toString()).setSeq(seq).setText(text).build());
    }

    private void succeeded() {
        hub.onUpdate(update(JobState.JOB_STATE_SUCCEEDED));
    }

    private JobUpdate update(JobState state) {
        return JobUpdate.newBuilder().setJobId(job.toString()).setState(state).setText("text").build();
    }
}
