package io.rigpool.gateway.jobs.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ResultOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("rigpool.results", 0);
    private static final TopicPartition P1 = new TopicPartition("rigpool.results", 1);

    @Test
    void aNewPartitionIsFetchedUntilTheFollowerBringsItsNextRecord() {
        ResultOffsets offsets = new ResultOffsets();
        offsets.assigned(P0, 5);
        assertTrue(offsets.fetchingAny());
        assertFalse(offsets.fromFollower(P0, 9), "the follower is ahead: the fetch brings 5 to 8 first");
        assertTrue(offsets.fromOwnFetch(P0, 5));
        assertTrue(offsets.fromOwnFetch(P0, 6));
        assertFalse(offsets.fromFollower(P0, 6), "stored from the fetch already");
        assertEquals(Set.of(P0), offsets.drainToPause(), "the follower is level: the fetch stops");
        assertEquals(ResultOffsets.Source.FOLLOWER, offsets.source(P0));
        assertTrue(offsets.fromFollower(P0, 7));
        assertFalse(offsets.fetchingAny());
        assertEquals(Set.of(), offsets.drainToPause(), "drained");
    }

    @Test
    void theFollowersNextRecordEndsTheFetchToo() {
        ResultOffsets offsets = new ResultOffsets();
        offsets.assigned(P0, 0);
        assertTrue(offsets.fromFollower(P0, 0));
        assertEquals(Set.of(P0), offsets.drainToPause());
        assertFalse(offsets.fromOwnFetch(P0, 0), "the paused fetch's copy is not stored again");
    }

    @Test
    void aGapInTheFollowersCopyIsFetchedFromTheNextOffset() {
        ResultOffsets offsets = followingFrom(P0, 10);
        assertFalse(offsets.fromFollower(P0, 12), "11 is missing");
        assertEquals(Map.of(P0, 11L), offsets.drainToFetchFrom());
        assertEquals(ResultOffsets.Source.OWN_FETCH, offsets.source(P0));
        assertTrue(offsets.fromOwnFetch(P0, 11));
        assertTrue(offsets.fromOwnFetch(P0, 12));
        assertFalse(offsets.fromFollower(P0, 12));
        assertEquals(Set.of(P0), offsets.drainToPause());
        assertTrue(offsets.fromFollower(P0, 13));
    }

    @Test
    void anOwnFetchSkipsOffsetsNotInTheLogButAPausedPartitionTakesOnlyTheNextOne() {
        ResultOffsets offsets = new ResultOffsets();
        offsets.assigned(P0, 3);
        assertTrue(offsets.fromOwnFetch(P0, 40), "3 to 39 were deleted by retention");
        assertFalse(offsets.fromOwnFetch(P0, 40));
        assertTrue(offsets.fromFollower(P0, 41));
        assertFalse(offsets.fromOwnFetch(P0, 43), "paused: 42 would be skipped");
        assertTrue(offsets.fromOwnFetch(P0, 42));
    }

    @Test
    void aFollowerThatLostItsPlaceIsFetchedAfterUntilSeenLevelAgain() {
        ResultOffsets offsets = followingFrom(P0, 4);
        offsets.assigned(P1, 0);
        offsets.followerLostItsPlace();
        assertEquals(Map.of(P0, 5L), offsets.drainToFetchFrom(), "P1 was fetched anyway");
        assertTrue(offsets.fetchingAny());
        assertTrue(offsets.fromFollower(P0, 5));
        assertEquals(Set.of(P0), offsets.drainToPause());
    }

    @Test
    void partitionsNotAssignedOrRevokedAreNotStored() {
        ResultOffsets offsets = followingFrom(P0, 0);
        assertFalse(offsets.fromFollower(P1, 0));
        assertFalse(offsets.fromOwnFetch(P1, 0));
        offsets.fromFollower(P0, 5);
        offsets.revoked(P0);
        assertFalse(offsets.owns(P0));
        assertEquals(Map.of(), offsets.drainToFetchFrom(), "nothing is fetched of a partition that went");
        assertFalse(offsets.fromFollower(P0, 1));
        assertFalse(offsets.fetchingAny());
    }

    @Test
    void uncommittedOffsetsAreThoseTakenSinceTheLastCommit() {
        ResultOffsets offsets = followingFrom(P0, 0);
        offsets.assigned(P1, 7);
        offsets.drainUncommitted();
        assertTrue(offsets.fromFollower(P0, 1));
        assertTrue(offsets.fromFollower(P0, 2));
        assertEquals(Map.of(P0, 3L), offsets.drainUncommitted());
        assertEquals(Map.of(), offsets.drainUncommitted());
        assertEquals(Map.of(P0, 3L, P1, 7L), offsets.nextOffsets(List.of(P0, P1)));
    }

    /**
     * A partition of 2,000 records read by a follower that drops records at random and starts over at the end of the
     * log now and then, and by the group member's fetch where it is told: every offset is stored once, in order.
     */
    @Test
    void whateverTheFollowerDropsEveryRecordIsStoredOnceInOrder() {
        for (long seed = 1; seed <= 50; seed++) {
            Random random = new Random(seed);
            int length = 2_000;
            ResultOffsets offsets = new ResultOffsets();
            offsets.assigned(P0, 0);
            List<Long> stored = new ArrayList<>();
            long produced = 0;
            long followerAt = 0;
            long fetchAt = 0;
            while (stored.size() < length) {
                if (produced < length && random.nextInt(3) > 0) {
                    produced++;
                }
                if (random.nextInt(50) == 0) {
                    followerAt = produced; // started over, at the end
                    offsets.followerLostItsPlace();
                }
                if (followerAt < produced) {
                    long offset = followerAt++;
                    if (random.nextInt(10) == 0) {
                        offsets.followerLostItsPlace(); // dropped on its way
                    } else if (offsets.fromFollower(P0, offset)) {
                        stored.add(offset);
                    }
                }
                for (Map.Entry<TopicPartition, Long> from : offsets.drainToFetchFrom().entrySet()) {
                    fetchAt = from.getValue();
                }
                offsets.drainToPause();
                if (offsets.source(P0) == ResultOffsets.Source.OWN_FETCH) {
                    for (int i = random.nextInt(4); i > 0 && fetchAt < produced; i--) {
                        long offset = fetchAt++;
                        if (offsets.fromOwnFetch(P0, offset)) {
                            stored.add(offset);
                        }
                    }
                }
            }
            assertEquals(LongStream.range(0, length).boxed().toList(), stored, "seed " + seed);
        }
    }

    private static ResultOffsets followingFrom(TopicPartition partition, long offset) {
        ResultOffsets offsets = new ResultOffsets();
        offsets.assigned(partition, offset);
        assertTrue(offsets.fromFollower(partition, offset));
        offsets.drainToPause();
        offsets.drainUncommitted();
        return offsets;
    }
}
