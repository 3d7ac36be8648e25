package io.rigpool.gateway.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.jobs.intake.FollowerCopy;
import io.rigpool.gateway.kafka.KafkaReaderThread;
import io.rigpool.gateway.kafka.TopicCreation;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TokenChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Feeds a {@link JobEventHub} with every job's tokens ({@code rigpool.tokens}) and final updates
 * ({@code rigpool.results}). It joins no group, so every gateway instance reads every record: that is what lets a
 * client's stream land on any instance. Storing results is the job of the results' group member, which shares a
 * group so that each result is stored once; it takes its results from here rather than fetch them a second time.
 *
 * <p>Tokens are read from {@code replayWindow} ago, so an instance that starts while jobs run can replay them;
 * results from the end, since a job that ended before is answered from the database.
 */
public final class JobEventFollower extends KafkaReaderThread {

    private static final Logger LOG = Logger.getLogger(JobEventFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How often new partitions are looked for, should someone add some. */
    private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

    private final JobEventHub hub;
    private final Duration replayWindow;
    private final FollowerCopy resultStore;

    /** @param resultStore also given every record of {@code rigpool.results}: the results' group member stores them */
    public JobEventFollower(Map<String, Object> kafkaConfig, String clientId, JobEventHub hub,
            Duration replayWindow, FollowerCopy resultStore) {
        super(kafkaConfig, clientId, null);
        this.hub = hub;
        this.replayWindow = replayWindow;
        this.resultStore = resultStore;
    }

    @Override
    protected void follow(Consumer<String, byte[]> consumer) {
        TopicCreation.createMissing(kafkaConfig(), "rigpool-gateway-events-admin", List.of(
                new NewTopic(Topics.TOKENS, Optional.empty(), Optional.empty()),
                new NewTopic(Topics.RESULTS, Optional.empty(), Optional.empty())));
        Set<TopicPartition> assigned = assign(consumer, Set.of(), true);
        long nextPartitionCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
        while (running()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                dispatch(record);
            }
            if (System.nanoTime() - nextPartitionCheck > 0) {
                assigned = assign(consumer, assigned, false);
                nextPartitionCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
            }
        }
    }

    /** Assigns every partition of both topics; partitions not assigned before start where {@link #startAt} says. */
    private Set<TopicPartition> assign(Consumer<String, byte[]> consumer, Set<TopicPartition> before,
            boolean firstTime) {
        Set<TopicPartition> partitions = new HashSet<>(awaitPartitions(consumer, Topics.TOKENS));
        partitions.addAll(awaitPartitions(consumer, Topics.RESULTS));
        if (partitions.equals(before) || !running()) {
            return before;
        }
        List<TopicPartition> added = new ArrayList<>(partitions);
        added.removeAll(before);
        consumer.assign(partitions);
        startAt(consumer, added, firstTime);
        return partitions;
    }

    private void startAt(Consumer<String, byte[]> consumer, List<TopicPartition> added, boolean firstTime) {
        resultStore.lostPlace();
        if (!firstTime) {
            // Partitions added while running: everything on them is new.
            consumer.seekToBeginning(added);
            return;
        }
        List<TopicPartition> tokens = added.stream().filter(p -> p.topic().equals(Topics.TOKENS)).toList();
        List<TopicPartition> results = added.stream().filter(p -> p.topic().equals(Topics.RESULTS)).toList();
        consumer.seekToEnd(results);
        long since = System.currentTimeMillis() - replayWindow.toMillis();
        Map<TopicPartition, Long> times = new HashMap<>();
        tokens.forEach(p -> times.put(p, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
        for (TopicPartition partition : tokens) {
            OffsetAndTimestamp offset = offsets.get(partition);
            if (offset == null) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        boolean result = record.topic().equals(Topics.RESULTS);
        if (record.value() != null) {
            try {
                if (result) {
                    hub.onUpdate(JobUpdate.parseFrom(record.value()));
                } else {
                    hub.onToken(TokenChunk.parseFrom(record.value()));
                }
            } catch (InvalidProtocolBufferException e) {
                LOG.debugf("skipping a record on %s that is not protobuf (%s)", record.topic(), e.getMessage());
            }
        }
        if (result) {
            // Every offset, unreadable ones too: the store takes a partition's records only in order.
            resultStore.offer(record);
        }
    }
}
