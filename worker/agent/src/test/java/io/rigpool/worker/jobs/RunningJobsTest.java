package io.rigpool.worker.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunningJobsTest {

    private static final class MovableClock extends Clock {
        long millis;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final MovableClock clock = new MovableClock();
    private final RunningJobs jobs = new RunningJobs(Duration.ofMinutes(10), clock);

    @Test
    void aCancelReachesTheRunningJobAndStopsItsGenerationOnce() {
        JobHandle handle = jobs.start("a");
        AtomicInteger stops = new AtomicInteger();
        handle.onStop(stops::incrementAndGet);

        assertTrue(jobs.cancel("a"));
        assertTrue(jobs.cancel("a"));

        assertTrue(handle.cancelRequested());
        assertEquals(1, stops.get());
    }

    @Test
    void aCancelForAJobNotRunningYetIsRememberedForAWhile() {
        assertFalse(jobs.cancel("later"));

        clock.millis += Duration.ofMinutes(9).toMillis();
        assertTrue(jobs.start("later").cancelRequested(), "it reached this worker after its cancel");

        assertFalse(jobs.cancel("old"));
        clock.millis += Duration.ofMinutes(11).toMillis();
        assertFalse(jobs.start("old").cancelRequested(), "forgotten after the memory");
    }

    @Test
    void aStopAskedForBeforeTheGenerationExistsIsAppliedWhenItDoes() {
        JobHandle handle = jobs.start("b");
        handle.abandon();
        AtomicInteger stops = new AtomicInteger();

        handle.onStop(stops::incrementAndGet);

        assertEquals(1, stops.get());
        assertTrue(handle.abandoned());
        assertFalse(handle.cancelRequested(), "abandoned is not cancelled: the job is handed back, not ended");
    }

    @Test
    void anEndedJobIsNoLongerFound() {
        JobHandle handle = jobs.start("c");
        jobs.end(handle);

        assertFalse(jobs.cancel("c"));
        assertEquals(0, jobs.all().size());
    }

    @Test
    void aRecordOfAJobStillRunningHereWaitsForThatRunAndGoesOnAsSoonAsItEnds() throws Exception {
        JobHandle handle = jobs.start("f");
        assertFalse(jobs.awaitNotRunningHere("f", Duration.ofMillis(20)), "still running after the wait");

        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return jobs.awaitNotRunningHere("f", Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        jobs.end(handle);

        // Well before the minute the wait may take: the end wakes it.
        assertTrue(waited.get(10, TimeUnit.SECONDS));
        assertTrue(jobs.awaitNotRunningHere("never ran here", Duration.ZERO));
    }

    @Test
    void aJobReportedHereIsRememberedForAWhileSoThatItsRecordComingBackIsNotRunAgain() throws Exception {
        JobHandle handle = jobs.start("d");
        assertFalse(jobs.awaitNotRunningHere("d", Duration.ZERO), "running here");
        jobs.end(handle);
        jobs.finished("d");

        assertTrue(jobs.awaitNotRunningHere("d", Duration.ZERO), "not running here any more");
        clock.millis += Duration.ofMinutes(9).toMillis();
        assertTrue(jobs.finishedHere("d"));
        assertFalse(jobs.finishedHere("e"));
        clock.millis += Duration.ofMinutes(2).toMillis();
        assertFalse(jobs.finishedHere("d"), "forgotten after the memory");
    }

    @Test
    void runnerDeathsAreCountedPerJobAndForgottenAfterTheMemory() {
        assertEquals(0, jobs.runnerDeaths("poison"));
        assertEquals(1, jobs.runnerDiedWith("poison"));
        assertEquals(1, jobs.runnerDiedWith("neighbour"));
        clock.millis += Duration.ofMinutes(9).toMillis();
        assertEquals(2, jobs.runnerDiedWith("poison"));

        assertEquals(2, jobs.runnerDeaths("poison"));
        clock.millis += Duration.ofMinutes(2).toMillis();
        assertEquals(0, jobs.runnerDeaths("neighbour"), "forgotten 10 minutes after its last death");
        assertEquals(2, jobs.runnerDeaths("poison"), "its last death is recent");
    }
}
