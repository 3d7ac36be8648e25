package io.rigpool.gateway.jobs.intake;

import io.rigpool.gateway.kafka.KafkaReaderThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * This instance's member of the gateways' results group: stores the results of the partitions the group assigns it,
 * a batch at a time, and commits their offsets once stored, so that every result is stored (at least once; the store
 * is idempotent) by one instance. The records come from the event follower, which reads them anyway; the member
 * fetches a partition itself only where {@link ResultOffsets} says the follower's copy is not whole.
 *
 * <p>All of it runs on the member's own thread: records are taken, stored, and their offsets committed between two
 * polls, so a partition taken away in a poll never has a record taken and not yet stored.
 */
public final class ResultsGroupMember extends KafkaReaderThread implements FollowerCopy {

    /** Stores a batch of results, in order; returns only once it is stored (or set aside for good). */
    @FunctionalInterface
    public interface Store {
        void store(List<ConsumerRecord<String, byte[]>> records) throws InterruptedException;
    }

    private static final Logger LOG = Logger.getLogger(ResultsGroupMember.class);
    /** How long a poll waits while the member fetches some partition itself, or has not joined the group yet. */
    private static final Duration FETCH_WAIT = Duration.ofMillis(50);
    /**
     * How long the member waits for the follower's records before it polls for the group's sake: how late an idle
     * member hears of a rebalance or of a follower that lost its place.
     */
    private static final Duration FOLLOWER_WAIT = Duration.ofMillis(200);
    /** While the follower's records are stored, the member still polls this often: rebalances happen in a poll. */
    private static final Duration GROUP_POLL_PERIOD = Duration.ofMillis(10);
    /** Offsets are committed this often (and when partitions go): a result read again is stored once all the same. */
    private static final Duration COMMIT_PERIOD = Duration.ofSeconds(1);
    /** Follower records beyond this wait dropped, fetched later by the member itself, while the store is behind. */
    private static final int HAND_OVER_CAPACITY = 4096;

    /** A follower record, and how often the follower had lost its place when it offered it. */
    private record Offered(ConsumerRecord<String, byte[]> record, long lostPlace) {
    }

    private final BlockingQueue<Offered> fromFollower = new ArrayBlockingQueue<>(HAND_OVER_CAPACITY);
    /** Written by the follower's thread only. */
    private volatile long followerLostPlace;
    /** The member's thread only: the follower's {@link #followerLostPlace} as last taken into account. */
    private long lostPlaceSeen;
    private final String topic;
    private final Store store;
    private volatile boolean joined;
    /** Written by the member's thread only; read for readiness and tests. */
    private volatile int assignedPartitions;
    private volatile int fetchedPartitions;
    private volatile long takenFromOwnFetch;
    /** The member's thread only: records were taken and not stored, so the offsets taken must not be committed. */
    private boolean takenNotStored;

    /**
     * @param topic {@code rigpool.results}
     * @param groupId the group every gateway instance joins
     */
    public ResultsGroupMember(Map<String, Object> kafkaConfig, String clientId, String topic, String groupId,
            Store store) {
        super(kafkaConfig, clientId, groupId);
        this.topic = topic;
        this.store = store;
    }

    @Override
    public void offer(ConsumerRecord<String, byte[]> record) {
        if (!fromFollower.offer(new Offered(record, followerLostPlace))) {
            lostPlace();
        }
    }

    @Override
    public void lostPlace() {
        followerLostPlace++;
    }

    /** Whether the member has joined the group (it may have been assigned no partition). */
    public boolean joined() {
        return joined && alive();
    }

    /** How many partitions the group assigned this member, and of those how many it fetches itself. */
    public int assignedPartitions() {
        return assignedPartitions;
    }

    public int fetchedPartitions() {
        return fetchedPartitions;
    }

    /** Records taken to be stored from the member's own fetch, not from the follower's copy. */
    public long takenFromOwnFetch() {
        return takenFromOwnFetch;
    }

    @Override
    protected void follow(Consumer<String, byte[]> consumer) {
        ResultOffsets offsets = new ResultOffsets();
        joined = false;
        lostPlaceSeen = followerLostPlace;
        consumer.subscribe(List.of(topic), new Rebalance(consumer, offsets));
        long nextCommit = System.nanoTime() + COMMIT_PERIOD.toNanos();
        long nextGroupPoll = System.nanoTime();
        takenNotStored = false;
        try {
            while (running()) {
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
                if (!joined || offsets.fetchingAny()) {
                    takeOwn(consumer.poll(FETCH_WAIT), offsets, batch);
                } else {
                    takeFromFollower(waitForFollower(), offsets, batch);
                }
                drainFollower(offsets, batch);
                noticeLostPlace(offsets, followerLostPlace);
                storeAndSteer(consumer, offsets, batch);
                if (joined && !offsets.fetchingAny() && System.nanoTime() - nextGroupPoll > 0) {
                    // Rebalances and their callbacks happen in a poll, which also returns a paused partition's
                    // last fetched records: stored at once, so no poll finds a record taken and not stored.
                    nextGroupPoll = System.nanoTime() + GROUP_POLL_PERIOD.toNanos();
                    List<ConsumerRecord<String, byte[]>> own = new ArrayList<>();
                    takeOwn(consumer.poll(Duration.ZERO), offsets, own);
                    storeAndSteer(consumer, offsets, own);
                }
                if (System.nanoTime() - nextCommit > 0) {
                    commitAsync(consumer, offsets.drainUncommitted());
                    nextCommit = System.nanoTime() + COMMIT_PERIOD.toNanos();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // After a failed store the offsets taken include records not stored: nothing is committed, and the
            // next consumer reads from the last commit.
            if (!takenNotStored) {
                commitSync(consumer, offsets.drainUncommitted());
            }
        }
    }

    private Offered waitForFollower() throws InterruptedException {
        return fromFollower.poll(FOLLOWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Once the follower lost its place, its records from before are not trusted to show that it is level (one right
     * before the loss would make it look level across the gap): they are left to the member's own fetch.
     */
    private void noticeLostPlace(ResultOffsets offsets, long lostPlace) {
        if (lostPlace > lostPlaceSeen) {
            offsets.followerLostItsPlace();
            lostPlaceSeen = lostPlace;
        }
    }

    private void takeOwn(Iterable<ConsumerRecord<String, byte[]>> records, ResultOffsets offsets,
            List<ConsumerRecord<String, byte[]>> batch) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (offsets.fromOwnFetch(new TopicPartition(record.topic(), record.partition()), record.offset())) {
                batch.add(record);
                takenFromOwnFetch++;
            }
        }
    }

    private void takeFromFollower(Offered offered, ResultOffsets offsets, List<ConsumerRecord<String, byte[]>> batch) {
        if (offered == null || offered.lostPlace() < lostPlaceSeen) {
            return;
        }
        noticeLostPlace(offsets, offered.lostPlace());
        ConsumerRecord<String, byte[]> record = offered.record();
        if (offsets.fromFollower(new TopicPartition(record.topic(), record.partition()), record.offset())) {
            batch.add(record);
        }
    }

    private void drainFollower(ResultOffsets offsets, List<ConsumerRecord<String, byte[]>> batch) {
        Offered offered;
        while ((offered = fromFollower.poll()) != null) {
            takeFromFollower(offered, offsets, batch);
        }
    }

    private void storeAndSteer(Consumer<String, byte[]> consumer, ResultOffsets offsets,
            List<ConsumerRecord<String, byte[]>> batch) throws InterruptedException {
        if (!batch.isEmpty()) {
            takenNotStored = true;
            store.store(batch);
            takenNotStored = false;
        }
        Collection<TopicPartition> pause = offsets.drainToPause();
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        offsets.drainToFetchFrom().forEach((partition, offset) -> {
            consumer.seek(partition, offset);
            consumer.resume(List.of(partition));
        });
        showCounts(offsets);
    }

    private void showCounts(ResultOffsets offsets) {
        assignedPartitions = offsets.assignedCount();
        fetchedPartitions = offsets.fetchedCount();
    }

    private static Map<TopicPartition, OffsetAndMetadata> toCommit(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
        return commit;
    }

    private static void commitAsync(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> offsets) {
        if (!offsets.isEmpty()) {
            consumer.commitAsync(toCommit(offsets), (committed, failure) -> {
                if (failure != null) {
                    // The next commit covers these offsets; results read again are stored once all the same.
                    LOG.debugf("committing results offsets failed (%s)", failure.toString());
                }
            });
        }
    }

    private static void commitSync(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(toCommit(offsets));
        } catch (WakeupException e) {
            // Closing woke the consumer outside a poll: this commit took the wakeup, the next one goes through.
            commitSync(consumer, offsets);
        } catch (KafkaException e) {
            LOG.debugf("committing results offsets failed (%s); their results will be read and stored again",
                    e.toString());
        }
    }

    /** Commits what is stored of the partitions that go; takes the committed offset of those that come. */
    private final class Rebalance implements ConsumerRebalanceListener {

        private final Consumer<String, byte[]> consumer;
        private final ResultOffsets offsets;

        Rebalance(Consumer<String, byte[]> consumer, ResultOffsets offsets) {
            this.consumer = consumer;
            this.offsets = offsets;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitSync(consumer, offsets.nextOffsets(partitions));
            partitions.forEach(offsets::revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(offsets::revoked);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                offsets.assigned(partition, consumer.position(partition));
            }
            showCounts(offsets);
            joined = true;
        }
    }
}
