package io.rigpool.worker.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.common.retry.RetryForever;
import io.rigpool.common.topics.TopicPartitions;
import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobControl;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every job control message ({@code rigpool.control}) and passes cancels to {@link RunningJobs}. A job runs on
 * one worker of many and the gateway does not know which, so every worker reads every message: the consumer joins
 * no group and is assigned all partitions itself. It starts one cancel-memory back in time, so that a worker that
 * just started still hears of cancels for jobs that may reach it.
 */
public final class ControlListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlListener.class);
    /** A poll returns as soon as a cancel is there; the timeout only bounds an idle wait. */
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final TypeLiteral<Set<TopicPartition>> PARTITIONS = new TypeLiteral<>() {
    };

    private final Map<String, Object> kafka;
    private final RunningJobs running;
    private final Duration lookBack;
    private final Thread thread;
    private volatile boolean closed;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean following;
    /** The waits are SmallRye Fault Tolerance's retry in {@link RetryForever}'s shape, a constant {@link #RETRY}. */
    private final Guard startOver;
    private final Guard untilTopicExists;

    public ControlListener(Map<String, Object> kafka, String nodeId, RunningJobs running, Duration lookBack) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "rigpool-worker-" + nodeId + "-control");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.kafka = config;
        this.running = running;
        this.lookBack = lookBack;
        this.thread = new Thread(this::run, "job-control");
        this.thread.setDaemon(true);
        this.startOver = Guard.create()
                .withDescription("worker: reading " + Topics.CONTROL)
                .withRetry()
                .with(RetryForever.doubling(RETRY, RETRY))
                // WakeupException is a KafkaException: close() asking to stop.
                .whenException(failure -> !closed && failure instanceof KafkaException
                        && !(failure instanceof WakeupException))
                .beforeRetry(failure -> {
                    following = false;
                    LOG.warnf("reading %s failed (%s); starting over", Topics.CONTROL, failure.toString());
                })
                .done()
                .build();
        this.untilTopicExists = Guard.create()
                .withDescription("worker: waiting for " + Topics.CONTROL)
                .withRetry()
                .with(RetryForever.doubling(RETRY, RETRY))
                .whenException(failure -> !closed && failure instanceof TopicPartitions.NotYetCreated)
                .done()
                .build();
    }

    public void start() {
        thread.start();
    }

    /** True once every partition is assigned and positioned: cancels sent from now on are heard. */
    public boolean following() {
        return following;
    }

    private void run() {
        try {
            startOver.call(this::followWithNewConsumer, Void.class);
        } catch (WakeupException e) {
            // close() asked to stop.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KafkaException e) {
            // Not retried only because closed.
        } catch (Exception e) {
            // As before the retry was SmallRye's: anything but Kafka's failures ends the thread, said here.
            LOG.errorf(e, "reading %s stopped", Topics.CONTROL);
        }
    }

    /** One try: a new consumer, followed until closed; returns at once when closed during the wait before it. */
    private Void followWithNewConsumer() throws InterruptedException {
        if (closed) {
            return null;
        }
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            if (!closed) {
                follow(c);
            }
        }
        return null;
    }

    private void follow(KafkaConsumer<String, byte[]> c) throws InterruptedException {
        createTopicIfMissing();
        Set<TopicPartition> assigned = Set.of();
        long nextCheck = 0;
        while (!closed) {
            if (System.nanoTime() - nextCheck >= 0) {
                assigned = assignAll(c, assigned);
                nextCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
            }
            for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                handle(record);
            }
        }
    }

    /** Assigns every partition; ones not read before start one look-back ago (the first time) or at 0 (added). */
    private Set<TopicPartition> assignAll(KafkaConsumer<String, byte[]> c, Set<TopicPartition> before)
            throws InterruptedException {
        Set<TopicPartition> partitions;
        try {
            // With nothing assigned yet there is nothing to poll: wait for the topic. Later the poll paces us.
            partitions = before.isEmpty() ? untilTopicExists.call(() -> partitions(c), PARTITIONS) : partitions(c);
        } catch (TopicPartitions.NotYetCreated e) {
            // Closed while waiting for the topic, or the topic lost the partitions assigned: keep reading those.
            return before;
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (partitions.equals(before)) {
            return before;
        }
        List<TopicPartition> added = new ArrayList<>(partitions);
        added.removeAll(before);
        c.assign(partitions);
        if (before.isEmpty()) {
            Map<TopicPartition, Long> since = new HashMap<>();
            long from = System.currentTimeMillis() - lookBack.toMillis();
            added.forEach(p -> since.put(p, from));
            Map<TopicPartition, OffsetAndTimestamp> offsets = c.offsetsForTimes(since);
            for (TopicPartition p : added) {
                OffsetAndTimestamp at = offsets.get(p);
                if (at == null) {
                    c.seekToEnd(List.of(p));
                } else {
                    c.seek(p, at.offset());
                }
            }
        } else {
            c.seekToBeginning(added);
        }
        // position() resolves the seeks now, so that "following" means cancels sent from here on are read.
        partitions.forEach(c::position);
        following = true;
        return partitions;
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            JobControl control = JobControl.parseFrom(record.value());
            if (control.getCancel() && !control.getJobId().isEmpty()) {
                boolean here = running.cancel(control.getJobId());
                if (here) {
                    LOG.infof("cancelling job %s", control.getJobId());
                }
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.debugf("skipping a record on %s that is not a JobControl: %s", Topics.CONTROL, e.getMessage());
        }
    }

    /** Readers must not wait for a first writer: the topic is made (with the broker's defaults) if nobody has. */
    private void createTopicIfMissing() throws InterruptedException {
        try (Admin a = Admin.create(AdminSettings.from(kafka))) {
            a.createTopics(List.of(new NewTopic(Topics.CONTROL, Optional.empty(), Optional.empty()))).all()
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.debugf("could not create %s (%s); waiting for it", Topics.CONTROL, e.getCause());
            }
        } catch (TimeoutException e) {
            LOG.debugf("creating %s timed out; waiting for it", Topics.CONTROL);
        }
    }

    private static Set<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
        return new HashSet<>(TopicPartitions.of(c, Topics.CONTROL));
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        thread.join(5_000);
    }
}
