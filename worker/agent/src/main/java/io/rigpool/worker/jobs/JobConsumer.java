package io.rigpool.worker.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.common.topics.Topics;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.worker.jobs.JobExecution.Outcome;
import io.rigpool.worker.runner.RunnerProcess;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Takes one loaded model's jobs from its Kafka topic and runs them on the model's runner, as many at once as the
 * runner has slots. All workers holding the model share one consumer group, so each job goes to one of them.
 *
 * <p>A job is taken only while a slot is free: one record per poll, and the consumer is paused (it keeps its group
 * membership but fetches nothing) while every slot is busy, so a busy worker never sits on jobs another could run.
 * Jobs end in any order; a partition's offset is committed up to, never past, its first job not yet reported
 * ({@link OffsetTracker}), after the job's terminal update was acknowledged. A job handed back while the runner
 * lives is read again from its offset; when the runner died, the consumer leaves the group so that its partitions,
 * with every unreported job on them, go to whoever joins next (the restarted runner's consumer, or another worker).
 *
 * <p>The Kafka consumer is used by its own thread only, as Kafka requires; slot threads report back through a queue
 * and wake it.
 */
public final class JobConsumer {

    private static final Logger LOG = Logger.getLogger(JobConsumer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Weight of the newest job in the decode speed the planner is told (exponential average). */
    private static final double SPEED_WEIGHT = 0.3;

    private record Completion(TopicPartition partition, long offset, Outcome outcome) {
    }

    private final String modelId;
    private final RunnerProcess runner;
    private final JobExecution execution;
    private final Duration pollTimeout;
    private final int slots;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ExecutorService slotThreads;
    private final OffsetTracker tracker = new OffsetTracker();
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final Map<String, JobHandle> handles = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger handedBack = new AtomicInteger();
    private final Object idleSignal = new Object();
    private final Thread thread;
    private volatile boolean taking = true;
    private volatile boolean closing;
    private volatile boolean idle = true;
    private volatile double decodeTps;

    public JobConsumer(RunnerProcess runner, Map<String, Object> kafka, String nodeId, JobExecution execution,
            Duration pollTimeout) {
        this.modelId = runner.spec().modelId();
        this.runner = runner;
        this.execution = execution;
        this.pollTimeout = pollTimeout;
        this.slots = runner.spec().slots();
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(modelId));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "rigpool-worker-" + nodeId + "-" + modelId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        // Job topics are the gateway's to create. A worker that asked the broker to create one would be refused
        // (its ACLs grant no CREATE), and a refused topic is looked up again only after metadata.max.age.ms
        // (5 minutes); an unknown one is looked up again within a second, so the first job flows at once.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Partitions a worker keeps through a rebalance are not taken away and given back, so jobs running on
        // them are not delivered again meanwhile.
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.slotThreads = Executors.newFixedThreadPool(slots, r -> daemon(r, "job-" + modelId));
        this.thread = daemon(this::consume, "jobs-" + modelId);
    }

    /** The consumer group of all workers that serve a model. */
    public static String groupId(String modelId) {
        return "rigpool.workers." + modelId;
    }

    public void start() {
        thread.start();
    }

    public String modelId() {
        return modelId;
    }

    /** Jobs running on the runner now. */
    public int busySlots() {
        return inFlight.get();
    }

    /** Jobs this consumer handed back (no result, delivered again) so far. */
    public int handedBack() {
        return handedBack.get();
    }

    /** Decode speed of recent jobs, tokens per second; 0 before the first. */
    public double decodeTps() {
        return decodeTps;
    }

    /** Takes no new job from now on; running ones go on. */
    public void stopTaking() {
        taking = false;
        consumer.wakeup();
    }

    /** Waits until no job runs and every reported one is committed; false when the time ran out first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idleSignal) {
            while (!(idle && inFlight.get() == 0) && thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idleSignal.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /** Stops the running jobs without a result: they are handed back and delivered again. */
    public void handBackRunning() {
        handles.values().forEach(JobHandle::abandon);
    }

    /** Leaves the group and ends the thread; jobs not reported by then are delivered again. */
    public void close(Duration timeout) throws InterruptedException {
        taking = false;
        closing = true;
        consumer.wakeup();
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            LOG.warnf("the job consumer of %s did not end within %s", modelId, timeout);
        }
    }

    private void consume() {
        try {
            consumer.subscribe(List.of(Topics.jobs(modelId)), new Rebalance());
            while (true) {
                settle();
                boolean runnerAlive = runner.isAlive();
                if (closing || (!runnerAlive && inFlight.get() == 0)) {
                    break;
                }
                boolean take = taking && runnerAlive && inFlight.get() < slots;
                pauseUnless(take);
                try {
                    take(consumer.poll(pollTimeout), take);
                } catch (WakeupException e) {
                    // A job ended, or the worker wants this consumer to stop taking: look again.
                } catch (KafkaException e) {
                    // The model stays loaded, so its jobs must keep flowing: wait a little and poll again. A pause
                    // of this loop, not a retry of one call: the next round must settle what the slots reported
                    // and see a close or the runner's death first. (Nor could SmallRye's Guard serve here: it
                    // needs the Quarkus runtime, and this consumer is also run without it, in JobConsumerTest.)
                    LOG.warnf("taking jobs of %s failed (%s); trying again", modelId, e.toString());
                    Thread.sleep(pollTimeout.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "job consumer of %s failed", modelId);
        } finally {
            slotThreads.shutdown();
            try {
                consumer.close(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.debugf("closing the consumer of %s: %s", modelId, e);
            }
            synchronized (idleSignal) {
                idleSignal.notifyAll();
            }
            LOG.infof("stopped taking jobs of %s", modelId);
        }
    }

    /** Applies what the slots reported, commits what may be committed, and tells waiters whether all is done. */
    private void settle() {
        applyCompletions();
        boolean committedAll = commit(consumer.assignment());
        synchronized (idleSignal) {
            idle = committedAll && completions.isEmpty();
            idleSignal.notifyAll();
        }
    }

    private void applyCompletions() {
        Completion done;
        while ((done = completions.poll()) != null) {
            tracker.finish(done.partition(), done.offset(), done.outcome() == Outcome.REPORTED);
            if (done.outcome() == Outcome.HANDED_BACK && runner.isAlive() && !closing
                    && consumer.assignment().contains(done.partition())) {
                TopicPartition partition = done.partition();
                tracker.redeliverFrom(partition).ifPresent(offset -> consumer.seek(partition, offset));
            }
        }
    }

    /** Commits the reported prefix of the given partitions; false when something is left to commit. */
    private boolean commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        Map<TopicPartition, Long> points = new HashMap<>();
        tracker.commitPoints().forEach((partition, point) -> {
            if (partitions.contains(partition)) {
                points.put(partition, point);
                commit.put(partition, new OffsetAndMetadata(point));
            }
        });
        if (commit.isEmpty()) {
            return true;
        }
        try {
            consumer.commitSync(commit);
            tracker.committed(points);
            return true;
        } catch (WakeupException e) {
            return false;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The group moved these partitions on: the jobs are delivered again elsewhere, and their results are
            // stored once by job id.
            LOG.warnf("could not commit jobs of %s (%s); they will be delivered again", modelId, e.getMessage());
            return true;
        } catch (KafkaException e) {
            // The broker is away for now: the same offsets are committed at the next turn of the loop.
            LOG.warnf("committing jobs of %s failed (%s); trying again", modelId, e.toString());
            return false;
        }
    }

    private void pauseUnless(boolean take) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (take) {
            consumer.resume(consumer.paused());
        } else if (!consumer.paused().containsAll(assigned)) {
            consumer.pause(assigned);
        }
    }

    private void take(Iterable<ConsumerRecord<String, byte[]>> records, boolean take) {
        Set<TopicPartition> putBack = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (putBack.contains(partition)) {
                continue;
            }
            if (!take || inFlight.get() >= slots) {
                // A rebalance gave this poll a new, unpaused partition while every slot is busy: leave the job in
                // the queue, to be read again from here.
                consumer.seek(partition, record.offset());
                putBack.add(partition);
                continue;
            }
            if (tracker.begin(partition, record.offset())) {
                inFlight.incrementAndGet();
                idle = false;
                slotThreads.execute(() -> runOne(record, partition));
            }
        }
    }

    private void runOne(ConsumerRecord<String, byte[]> record, TopicPartition partition) {
        Outcome outcome = Outcome.HANDED_BACK;
        String traceId = traceId(record);
        // The job's trace id is on every line logged about it on this thread (%X{traceId} in the log format).
        if (traceId != null) {
            MDC.put(TraceIds.MDC_KEY, traceId);
        }
        try {
            outcome = execute(record, traceId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "job at %s@%d failed unexpectedly; it is handed back", partition, record.offset());
        } finally {
            MDC.remove(TraceIds.MDC_KEY);
            if (outcome == Outcome.HANDED_BACK) {
                handedBack.incrementAndGet();
                execution.tally().jobHandedBack(modelId);
            }
            completions.add(new Completion(partition, record.offset(), outcome));
            inFlight.decrementAndGet();
            consumer.wakeup();
        }
    }

    /** The trace id the gateway put on the job record; null for a record without a valid one. */
    private static String traceId(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(TraceIds.KAFKA_HEADER);
        return header == null ? null : TraceIds.fromHeader(header.value()).orElse(null);
    }

    private Outcome execute(ConsumerRecord<String, byte[]> record, String traceId) throws InterruptedException {
        JobRequest job;
        try {
            job = JobRequest.parseFrom(record.value() == null ? new byte[0] : record.value());
        } catch (InvalidProtocolBufferException e) {
            String jobId = record.key() == null ? "" : record.key();
            LOG.warnf("record %s@%d of %s is not a JobRequest: %s", record.partition(), record.offset(),
                    record.topic(), e.getMessage());
            return jobId.isEmpty() ? Outcome.REPORTED
                    : execution.reject(jobId, modelId, "not a valid JobRequest: " + e.getMessage(), traceId);
        }
        if (closing || !runner.isAlive()) {
            return Outcome.HANDED_BACK;
        }
        JobHandle handle = execution.running().start(job.getJobId());
        handles.put(job.getJobId(), handle);
        try {
            Outcome outcome = execution.run(job, runner, handle, traceId);
            if (handle.decodeTps() > 0) {
                double before = decodeTps;
                decodeTps = before == 0 ? handle.decodeTps()
                        : before + SPEED_WEIGHT * (handle.decodeTps() - before);
            }
            return outcome;
        } finally {
            handles.remove(job.getJobId(), handle);
            execution.running().end(handle);
        }
    }

    /** Keeps the tracker to the partitions this consumer owns. Runs inside poll, on the consumer's thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            try {
                applyCompletions();
                commit(partitions);
            } catch (KafkaException e) {
                LOG.debugf("last commit before giving up %s failed: %s", partitions, e);
            }
            partitions.forEach(tracker::forget);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(tracker::forget);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Nothing to do: the poll loop pauses new partitions too while every slot is busy.
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
