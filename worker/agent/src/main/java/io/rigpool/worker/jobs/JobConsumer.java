package io.rigpool.worker.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.worker.jobs.JobExecution.Outcome;
import io.rigpool.worker.runner.RunnerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Takes one loaded model's jobs from its Kafka topic and runs them on the model's runner, as many at once as the
 * runner has slots. All workers holding the model share one consumer group, so each job goes to one of them.
 *
 * <p>A batch of at most {@code slots} records is polled, run in parallel, and committed once every job of it is
 * reported: per partition up to (not past) the first job that was handed back, which is then polled again. The
 * consumer is used by its own thread only, as Kafka requires.
 */
public final class JobConsumer {

    private static final Logger LOG = Logger.getLogger(JobConsumer.class);

    private final String modelId;
    private final RunnerProcess runner;
    private final JobExecution execution;
    private final Duration pollTimeout;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ExecutorService slots;
    private final AtomicInteger busy = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;

    public JobConsumer(RunnerProcess runner, Map<String, Object> kafka, String nodeId, JobExecution execution,
            Duration pollTimeout) {
        this.modelId = runner.spec().modelId();
        this.runner = runner;
        this.execution = execution;
        this.pollTimeout = pollTimeout;
        int slotCount = runner.spec().slots();
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(modelId));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "rigpool-worker-" + nodeId + "-" + modelId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, slotCount);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.slots = Executors.newFixedThreadPool(slotCount, r -> daemon(r, "job-" + modelId));
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
        return busy.get();
    }

    /**
     * Stops taking jobs and waits up to the grace period for the running ones to be reported. Jobs still running
     * after that are handed back once their runner ends.
     */
    public void stop(Duration grace) throws InterruptedException {
        // No wakeup(): it could break into the commit of jobs already reported. A poll ends within pollTimeout.
        stopping = true;
        thread.join(grace.toMillis());
        if (thread.isAlive()) {
            LOG.warnf("jobs of %s still running after %s; they are handed back when the runner ends", modelId, grace);
        }
    }

    private void consume() {
        try {
            consumer.subscribe(List.of(Topics.jobs(modelId)));
            while (!stopping && runner.isAlive()) {
                try {
                    ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                    if (!records.isEmpty()) {
                        runBatch(records);
                    }
                } catch (KafkaException e) {
                    // The model stays loaded, so its jobs must keep flowing: wait a little and poll again.
                    LOG.warnf("taking jobs of %s failed (%s); trying again", modelId, e.toString());
                    Thread.sleep(pollTimeout.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "job consumer of %s failed", modelId);
        } finally {
            slots.shutdownNow();
            consumer.close(Duration.ofSeconds(5));
            LOG.infof("stopped taking jobs of %s", modelId);
        }
    }

    private void runBatch(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        List<Future<Outcome>> outcomes = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            batch.add(record);
            outcomes.add(slots.submit(() -> runOne(record)));
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        Map<TopicPartition, Long> redeliverFrom = new HashMap<>();
        // Records of one partition come in offset order; commit the prefix that is reported.
        for (int i = 0; i < batch.size(); i++) {
            ConsumerRecord<String, byte[]> record = batch.get(i);
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            Outcome outcome = outcome(outcomes.get(i));
            if (redeliverFrom.containsKey(partition)) {
                continue;
            }
            if (outcome == Outcome.REPORTED) {
                commit.put(partition, new OffsetAndMetadata(record.offset() + 1));
            } else {
                redeliverFrom.put(partition, record.offset());
            }
        }
        if (!commit.isEmpty()) {
            try {
                consumer.commitSync(commit);
            } catch (CommitFailedException | RebalanceInProgressException e) {
                // The group moved these partitions on (the batch outlived max.poll.interval.ms): the jobs are
                // delivered again elsewhere, and their results are stored once by job id.
                LOG.warnf("could not commit jobs of %s (%s); they will be delivered again", modelId, e.getMessage());
            }
        }
        // A job handed back is read again from its offset, here or (after a rebalance) by another worker.
        redeliverFrom.forEach((partition, offset) -> {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    private Outcome runOne(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        busy.incrementAndGet();
        try {
            JobRequest job;
            try {
                job = JobRequest.parseFrom(record.value() == null ? new byte[0] : record.value());
            } catch (InvalidProtocolBufferException e) {
                String jobId = record.key() == null ? "" : record.key();
                LOG.warnf("record %s@%d of %s is not a JobRequest: %s", record.partition(), record.offset(),
                        record.topic(), e.getMessage());
                return jobId.isEmpty() ? Outcome.REPORTED
                        : execution.reject(jobId, modelId, "not a valid JobRequest: " + e.getMessage());
            }
            if (stopping || !runner.isAlive()) {
                return Outcome.HANDED_BACK;
            }
            return execution.run(job, runner);
        } finally {
            busy.decrementAndGet();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    private static Outcome outcome(Future<Outcome> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            LOG.errorf(e.getCause(), "a job failed unexpectedly; it is handed back");
            return Outcome.HANDED_BACK;
        }
    }
}
