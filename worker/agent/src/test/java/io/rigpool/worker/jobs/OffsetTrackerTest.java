package io.rigpool.worker.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("rigpool.jobs.m", 0);
    private static final TopicPartition P1 = new TopicPartition("rigpool.jobs.m", 1);

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void jobsEndingOutOfOrderNeverMoveTheCommitPastAnUnfinishedOne() {
        for (long offset = 10; offset <= 13; offset++) {
            assertTrue(tracker.begin(P0, offset));
        }

        tracker.finish(P0, 12, true);
        tracker.finish(P0, 13, true);
        assertEquals(Map.of(), tracker.commitPoints(), "10 still runs: nothing may be committed");

        tracker.finish(P0, 10, true);
        assertEquals(Map.of(P0, 11L), tracker.commitPoints(), "up to 11, which still runs");
        tracker.committed(Map.of(P0, 11L));

        tracker.finish(P0, 11, true);
        assertEquals(Map.of(P0, 14L), tracker.commitPoints(), "all four reported");
    }

    @Test
    void aHandedBackJobHoldsItsPartitionUntilItIsTakenAgainAndReported() {
        tracker.begin(P0, 0);
        tracker.begin(P0, 1);
        tracker.begin(P1, 0);
        tracker.finish(P0, 0, false);
        tracker.finish(P0, 1, true);
        tracker.finish(P1, 0, true);

        assertEquals(Map.of(P1, 1L), tracker.commitPoints(), "partition 0 waits for its handed-back job");
        assertEquals(OptionalLong.of(0), tracker.redeliverFrom(P0));
        assertEquals(OptionalLong.empty(), tracker.redeliverFrom(P1));

        assertTrue(tracker.begin(P0, 0), "the handed-back job is taken again after the seek back");
        assertFalse(tracker.begin(P0, 1), "the reported one that follows it is not run twice");
        tracker.finish(P0, 0, true);
        assertEquals(OptionalLong.empty(), tracker.redeliverFrom(P0));
        assertEquals(2L, tracker.commitPoints().get(P0));
    }

    @Test
    void aRecordSeenAgainIsNotRunTwiceAndCommittedOnesAreIgnored() {
        assertTrue(tracker.begin(P0, 5));
        assertFalse(tracker.begin(P0, 5), "still running");
        tracker.finish(P0, 5, true);
        assertFalse(tracker.begin(P0, 5), "already reported");
        tracker.committed(tracker.commitPoints());
        assertFalse(tracker.begin(P0, 5), "already committed");
        assertTrue(tracker.begin(P0, 6));
    }

    @Test
    void aForgottenPartitionStartsAfresh() {
        tracker.begin(P0, 3);
        tracker.forget(P0);

        tracker.finish(P0, 3, true);
        assertEquals(Map.of(), tracker.commitPoints(), "a late report of a revoked partition commits nothing");
        assertTrue(tracker.begin(P0, 3), "when it comes back, its records are new to this consumer");
    }

    /** Random completion orders against a brute-force oracle: the commit point is the first unreported offset. */
    @Test
    void commitPointsMatchAnOracleForRandomCompletionOrders() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            OffsetTracker t = new OffsetTracker();
            int n = 1 + random.nextInt(12);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                t.begin(P0, i);
                order.add(i);
            }
            Collections.shuffle(order, new Random(random.nextLong()));
            boolean[] reported = new boolean[n];
            long committed = 0;
            for (int offset : order) {
                t.finish(P0, offset, true);
                reported[offset] = true;
                int firstOpen = 0;
                while (firstOpen < n && reported[firstOpen]) {
                    firstOpen++;
                }
                Long point = t.commitPoints().get(P0);
                long expected = firstOpen;
                assertEquals(expected == committed ? null : expected, point,
                        "seed " + seed + ", round " + round + ", order " + order);
                if (point != null) {
                    t.committed(Map.of(P0, point));
                    committed = point;
                }
            }
        }
    }
}
