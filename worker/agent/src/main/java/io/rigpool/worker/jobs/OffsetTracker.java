package io.rigpool.worker.jobs;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of a job consumer's partitions may be committed. Jobs of one partition run side by side and end in
 * any order; the committed offset of a partition only ever moves up to its first job that is not yet reported, so
 * a crash never skips an unfinished job. A job handed back (not reported) holds the partition's commits until it
 * is taken again and reported. Records seen again after a seek back are recognised, so a job is never started
 * twice by the same consumer while it runs or after it was reported.
 *
 * <p>Used by the consumer's own thread only.
 */
final class OffsetTracker {

    private enum Status { RUNNING, REPORTED, HANDED_BACK }

    private final Map<TopicPartition, TreeMap<Long, Status>> partitions = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** A record arrived: true when it is to be run, false when this consumer already runs or reported it. */
    boolean begin(TopicPartition partition, long offset) {
        if (offset < committed.getOrDefault(partition, 0L)) {
            return false;
        }
        TreeMap<Long, Status> offsets = partitions.computeIfAbsent(partition, p -> new TreeMap<>());
        Status status = offsets.get(offset);
        if (status == Status.RUNNING || status == Status.REPORTED) {
            return false;
        }
        offsets.put(offset, Status.RUNNING);
        return true;
    }

    /** A job ended: reported (its terminal update is acknowledged) or handed back. */
    void finish(TopicPartition partition, long offset, boolean reported) {
        TreeMap<Long, Status> offsets = partitions.get(partition);
        if (offsets != null && offsets.get(offset) == Status.RUNNING) {
            offsets.put(offset, reported ? Status.REPORTED : Status.HANDED_BACK);
        }
    }

    /**
     * The offsets to commit now, per partition: one past the last reported job before the first unreported one.
     * Only partitions whose commit point moved are listed; they count as committed once {@link #committed} is
     * called with them.
     */
    Map<TopicPartition, Long> commitPoints() {
        Map<TopicPartition, Long> points = new HashMap<>();
        partitions.forEach((partition, offsets) -> {
            Long point = null;
            for (Map.Entry<Long, Status> e : offsets.entrySet()) {
                if (e.getValue() != Status.REPORTED) {
                    break;
                }
                point = e.getKey() + 1;
            }
            if (point != null) {
                points.put(partition, point);
            }
        });
        return points;
    }

    /** Kafka took these commits: forget what lies below them. */
    void committed(Map<TopicPartition, Long> points) {
        points.forEach((partition, point) -> {
            committed.merge(partition, point, Math::max);
            TreeMap<Long, Status> offsets = partitions.get(partition);
            if (offsets != null) {
                offsets.headMap(point).clear();
            }
        });
    }

    /** Where to seek a partition back to so that its first handed-back job is delivered again, if any. */
    OptionalLong redeliverFrom(TopicPartition partition) {
        TreeMap<Long, Status> offsets = partitions.get(partition);
        if (offsets != null) {
            for (Map.Entry<Long, Status> e : offsets.entrySet()) {
                if (e.getValue() == Status.HANDED_BACK) {
                    return OptionalLong.of(e.getKey());
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The consumer no longer owns the partition: another consumer goes on from its committed offset. */
    void forget(TopicPartition partition) {
        partitions.remove(partition);
        committed.remove(partition);
    }
}
