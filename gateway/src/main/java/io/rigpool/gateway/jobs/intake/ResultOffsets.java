package io.rigpool.gateway.jobs.intake;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which records of {@code rigpool.results} this gateway instance stores, and from which of its two readers.
 *
 * <p>The instance already reads every result once: its event follower reads all partitions near their end, to
 * answer its clients. Storing needs a consumer group (each result stored by one instance, offsets committed only once
 * stored), and a group member fetching the same records again was a fetch per result more for the broker and a
 * consumer's work more for the gateway. So the group member takes the follower's copy of the partitions the group
 * assigned it, and fetches a partition itself only while that copy cannot be trusted to be whole: after an
 * assignment, after a gap seen in the follower's records, and whenever the follower lost its place (it starts at
 * the end, starts over after a failure, and its hand-over queue drops records when the store falls behind).
 *
 * <p>What makes that safe: per assigned partition this keeps the next offset to store, and takes a record only at
 * that offset (from the follower) or from it on (from the group member's own fetch, which reads the partition in
 * order from there). Nothing is skipped and nothing is stored twice by this instance, whichever reader brings a record
 * first. A follower record past the next offset is a gap: the partition is fetched again from the next offset. A
 * follower record at the next offset, or at the one just stored, shows that the follower is level with the store: the
 * group member stops fetching the partition.
 *
 * <p>Not thread-safe: the group member's thread does all of it.
 */
public final class ResultOffsets {

    /** Whose copy of a partition is stored. */
    public enum Source {
        /** The group member fetches the partition itself. */
        OWN_FETCH,
        /** The partition is paused in the group member; the follower's records are stored. */
        FOLLOWER
    }

    private static final class Position {
        long next;
        Source source = Source.OWN_FETCH;
        boolean uncommitted;

        Position(long next) {
            this.next = next;
        }
    }

    private final Map<TopicPartition, Position> assigned = new HashMap<>();
    private final Set<TopicPartition> toPause = new LinkedHashSet<>();
    private final Map<TopicPartition, Long> toFetchFrom = new LinkedHashMap<>();

    /** The group assigned the partition; its committed offset (or the reset position) is where storing goes on. */
    public void assigned(TopicPartition partition, long next) {
        assigned.put(partition, new Position(next));
        toPause.remove(partition);
        // The group member's position is there already; fetching it is what it does by default.
    }

    /** The group took the partition away: nothing more of it is stored here. */
    public void revoked(TopicPartition partition) {
        assigned.remove(partition);
        toPause.remove(partition);
        toFetchFrom.remove(partition);
    }

    public boolean owns(TopicPartition partition) {
        return assigned.containsKey(partition);
    }

    /**
     * The follower lost its place (it started over at the end, or a record of it was dropped): its copy of every
     * partition may have a gap that no later record shows, so every partition is fetched again from its next offset
     * until the follower is seen level with it again.
     */
    public void followerLostItsPlace() {
        assigned.forEach(this::fetchAgain);
    }

    /** Whether the group member is to fetch some partition itself. */
    public boolean fetchingAny() {
        return fetchedCount() > 0;
    }

    public int assignedCount() {
        return assigned.size();
    }

    /** How many partitions the group member is to fetch itself. */
    public int fetchedCount() {
        int fetched = 0;
        for (Position position : assigned.values()) {
            if (position.source == Source.OWN_FETCH) {
                fetched++;
            }
        }
        return fetched;
    }

    public Source source(TopicPartition partition) {
        Position position = assigned.get(partition);
        return position == null ? null : position.source;
    }

    /** Whether the follower's record at this offset is to be stored (now taken: the next offset moves past it). */
    public boolean fromFollower(TopicPartition partition, long offset) {
        Position position = assigned.get(partition);
        if (position == null) {
            return false;
        }
        if (offset == position.next) {
            take(position, offset);
            followerLevel(partition, position);
            return true;
        }
        if (offset == position.next - 1) {
            // Stored from the own fetch a moment ago: the follower's next record is the next one to store.
            followerLevel(partition, position);
        } else if (offset > position.next) {
            fetchAgain(partition, position);
        }
        return false;
    }

    /** Whether the group member's own record at this offset is to be stored (now taken). */
    public boolean fromOwnFetch(TopicPartition partition, long offset) {
        Position position = assigned.get(partition);
        if (position == null) {
            return false;
        }
        // Read in order from the next offset: a record past it means the offsets between are not in the log
        // (deleted by retention), not that something was missed. A paused partition's stray record counts only
        // when it is exactly the next one.
        boolean inOrder = position.source == Source.OWN_FETCH ? offset >= position.next : offset == position.next;
        if (inOrder) {
            take(position, offset);
        }
        return inOrder;
    }

    /** Partitions the group member is to stop fetching; cleared by reading. */
    public Set<TopicPartition> drainToPause() {
        Set<TopicPartition> drained = Set.copyOf(toPause);
        toPause.clear();
        return drained;
    }

    /** Partitions the group member is to fetch again, each from the offset given; cleared by reading. */
    public Map<TopicPartition, Long> drainToFetchFrom() {
        Map<TopicPartition, Long> drained = Map.copyOf(toFetchFrom);
        toFetchFrom.clear();
        return drained;
    }

    /** The next offset of each partition with records taken since the last call: what may be committed once stored. */
    public Map<TopicPartition, Long> drainUncommitted() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        assigned.forEach((partition, position) -> {
            if (position.uncommitted) {
                offsets.put(partition, position.next);
                position.uncommitted = false;
            }
        });
        return offsets;
    }

    /** The next offsets of the given partitions (those assigned), to commit before they go. */
    public Map<TopicPartition, Long> nextOffsets(Iterable<TopicPartition> partitions) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Position position = assigned.get(partition);
            if (position != null) {
                offsets.put(partition, position.next);
            }
        }
        return offsets;
    }

    private static void take(Position position, long offset) {
        position.next = offset + 1;
        position.uncommitted = true;
    }

    /** The follower's copy of the partition may have a gap: the member fetches it again from the next offset. */
    private void fetchAgain(TopicPartition partition, Position position) {
        if (position.source == Source.FOLLOWER) {
            position.source = Source.OWN_FETCH;
            toPause.remove(partition);
            toFetchFrom.put(partition, position.next);
        }
    }

    private void followerLevel(TopicPartition partition, Position position) {
        if (position.source == Source.OWN_FETCH) {
            position.source = Source.FOLLOWER;
            toFetchFrom.remove(partition);
            toPause.add(partition);
        }
    }
}
