package io.rigpool.worker.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.common.topics.Topics;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.worker.jobs.JobExecution.Outcome;
import io.rigpool.worker.runner.RunnerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Takes one loaded model's jobs from its Kafka topic and runs them on the model's runner, as many at once as the
 * runner has slots. All workers holding the model are members of one share group (KIP-932), which hands each job
 * record to one member and locks it to that member until it is acknowledged; members take jobs one by one from any
 * partition, so no job waits behind another and the partition count does not limit the workers.
 *
 * <p>Each slot of the runner is a member ({@link JobSlot}): it polls for one record only while it is free, so a
 * busy worker never holds a job another could run. A record is acknowledged ACCEPT once the job's terminal update
 * is acknowledged by Kafka, RELEASE when the job is handed back (runner died, drain ran out, result not
 * acknowledged: Kafka delivers it again, to this worker or another), REJECT when it is not a job, or when it is a
 * poison job ({@link PoisonLimits}: reported failed instead of bringing runners down for ever). While a job runs its
 * lock is renewed, so a job of minutes is not delivered elsewhere meanwhile.
 *
 * <p>Delivery is at least once, and a broker restart makes "more than once" likely: the broker forgets the locks it
 * handed out, so a record whose job ends here just then (or whose acceptance had not reached the broker) is delivered
 * again. A record of a job this worker has already reported is accepted without running it again
 * ({@link RunningJobs#finishedHere}); one of a job that runs here in another slot waits for that run. Another
 * worker that gets it runs the job a second time, and the gateway stores the job's first outcome only.
 */
public final class JobConsumer {

    private static final Logger LOG = Logger.getLogger(JobConsumer.class);
    /** Weight of the newest job in the decode speed the planner is told (exponential average). */
    private static final double SPEED_WEIGHT = 0.3;
    /** Settings of classic consumers that a share consumer refuses; where the group starts is a group config. */
    private static final List<String> NOT_FOR_SHARE_CONSUMERS = List.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);

    private final String modelId;
    private final RunnerProcess runner;
    private final JobExecution execution;
    private final Map<String, Object> kafka;
    private final Duration pollTimeout;
    private final PoisonLimits poison;
    private final JobQueueSettings queue;
    private final ExecutorService jobThreads;
    private final List<JobSlot> slots = new ArrayList<>();
    private final Map<String, JobHandle> handles = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger handedBack = new AtomicInteger();
    private final Object idleSignal = new Object();
    private final Thread starter;
    private volatile boolean taking = true;
    private volatile boolean closing;
    private volatile double decodeTps;

    public JobConsumer(RunnerProcess runner, Map<String, Object> kafka, String nodeId, JobExecution execution,
            Duration pollTimeout, PoisonLimits poison, JobQueueSettings queue) {
        this.modelId = runner.spec().modelId();
        this.runner = runner;
        this.execution = execution;
        this.kafka = kafka;
        this.pollTimeout = pollTimeout;
        this.poison = poison;
        this.queue = queue;
        int slotCount = runner.spec().slots();
        this.jobThreads = Executors.newFixedThreadPool(slotCount, r -> daemon(r, "job-" + modelId));
        JobSlot.Jobs jobs = new SlotJobs();
        for (int i = 0; i < slotCount; i++) {
            Map<String, Object> config = new HashMap<>(kafka);
            config.keySet().removeAll(NOT_FOR_SHARE_CONSUMERS);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(modelId));
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "rigpool-worker-" + nodeId + "-" + modelId + "-" + i);
            config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
            // One record per poll, taken only by a free slot.
            config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
            slots.add(new JobSlot(Topics.jobs(modelId), "jobs-" + modelId + "-" + i, config, jobs, jobThreads,
                    pollTimeout));
        }
        this.starter = daemon(this::setUpAndStart, "jobs-" + modelId);
    }

    /** The share group of all workers that serve a model. */
    public static String groupId(String modelId) {
        return "rigpool.workers." + modelId;
    }

    public void start() {
        starter.start();
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
        slots.forEach(JobSlot::wake);
    }

    /** Waits until no job runs and every ended one is acknowledged; false when the time ran out first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idleSignal) {
            while (inFlight.get() > 0 || slots.stream().anyMatch(s -> s.busy() && s.alive())) {
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

    /** Leaves the group and ends the slots; records not acknowledged by then are released by Kafka. */
    public void close(Duration timeout) throws InterruptedException {
        taking = false;
        closing = true;
        slots.forEach(JobSlot::wake);
        long deadline = System.nanoTime() + timeout.toNanos();
        starter.join(Math.max(1, timeout.toMillis()));
        for (JobSlot slot : slots) {
            slot.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (slot.alive()) {
                LOG.warnf("a job slot of %s did not end within %s", modelId, timeout);
            }
        }
        jobThreads.shutdown();
        LOG.infof("stopped taking jobs of %s", modelId);
    }

    /** Sets the share group up before the slots join it, then starts them. */
    private void setUpAndStart() {
        try {
            while (!closing) {
                try {
                    queue.apply(kafka, groupId(modelId));
                    slots.forEach(JobSlot::start);
                    return;
                } catch (ExecutionException | TimeoutException | KafkaException e) {
                    LOG.warnf("could not set up the job queue of %s (%s); trying again", modelId, e.toString());
                    synchronized (idleSignal) {
                        idleSignal.wait(pollTimeout.toMillis());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the slots ask of this consumer. */
    private final class SlotJobs implements JobSlot.Jobs {

        @Override
        public boolean taking() {
            return taking && !closing && runner.isAlive();
        }

        @Override
        public boolean leaving() {
            return closing || (!runner.isAlive() && inFlight.get() == 0);
        }

        @Override
        public AcknowledgeType run(ConsumerRecord<String, byte[]> record) {
            return runOne(record);
        }

        @Override
        public void changed() {
            synchronized (idleSignal) {
                idleSignal.notifyAll();
            }
        }
    }

    private AcknowledgeType runOne(ConsumerRecord<String, byte[]> record) {
        inFlight.incrementAndGet();
        AcknowledgeType verdict = AcknowledgeType.RELEASE;
        String traceId = traceId(record);
        // The job's trace id is on every line logged about it on this thread (%X{traceId} in the log format).
        if (traceId != null) {
            MDC.put(TraceIds.MDC_KEY, traceId);
        }
        try {
            verdict = execute(record, traceId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "job at %s-%d@%d failed unexpectedly; it is handed back", record.topic(),
                    record.partition(), record.offset());
        } finally {
            MDC.remove(TraceIds.MDC_KEY);
            if (verdict == AcknowledgeType.RELEASE) {
                handedBack.incrementAndGet();
                execution.tally().jobHandedBack(modelId);
            }
            inFlight.decrementAndGet();
        }
        return verdict;
    }

    /** The trace id the gateway put on the job record; null for a record without a valid one. */
    private static String traceId(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(TraceIds.KAFKA_HEADER);
        return header == null ? null : TraceIds.fromHeader(header.value()).orElse(null);
    }

    /** Runs the job, or reports why it will not run; says how its record is to be acknowledged. */
    private AcknowledgeType execute(ConsumerRecord<String, byte[]> record, String traceId)
            throws InterruptedException {
        String key = record.key() == null ? "" : record.key();
        JobRequest job;
        try {
            job = JobRequest.parseFrom(record.value() == null ? new byte[0] : record.value());
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("record %s-%d@%d is not a JobRequest: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return key.isEmpty() ? AcknowledgeType.REJECT
                    : rejected(execution.reject(key, modelId, "not a valid JobRequest: " + e.getMessage(), traceId));
        }
        String jobId = job.getJobId();
        RunningJobs jobsHere = execution.running();
        // Its record came back while it still runs here (its lock was lost): the run that is on decides. Waited
        // for a poll timeout at a time, so that closing is seen.
        while (!closing && !jobsHere.awaitNotRunningHere(jobId, pollTimeout)) {
            LOG.debugf("job %s delivered again while it runs here: waiting for that run to end", jobId);
        }
        if (jobsHere.finishedHere(jobId)) {
            LOG.infof("job %s delivered again after it was reported here (its lock was lost, e.g. at a broker"
                    + " restart): accepted without running it again", jobId);
            return AcknowledgeType.ACCEPT;
        }
        int deaths = jobsHere.runnerDeaths(jobId);
        if (deaths >= poison.maxRunnerDeaths()) {
            LOG.warnf("job %s was running each time a runner died here, %d times: reported failed", jobId, deaths);
            return rejected(execution.reject(jobId, modelId, "the job was handed back " + deaths
                    + " times without a result (each time its runner died while running it); it is not run again",
                    traceId), jobId);
        }
        int deliveries = record.deliveryCount().map(Short::intValue).orElse(1);
        if (deliveries > poison.maxDeliveries()) {
            LOG.warnf("job %s was delivered %d times without a result: reported failed", jobId, deliveries);
            return rejected(execution.reject(jobId, modelId, "the job was handed back " + (deliveries - 1)
                    + " times without a result (each time its runner crashed or its worker gave it up);"
                    + " it is not run again", traceId), jobId);
        }
        if (closing || !runner.isAlive()) {
            return AcknowledgeType.RELEASE;
        }
        JobHandle handle = jobsHere.start(jobId);
        handles.put(jobId, handle);
        try {
            Outcome outcome = execution.run(job, runner, handle, traceId);
            if (handle.decodeTps() > 0) {
                double before = decodeTps;
                decodeTps = before == 0 ? handle.decodeTps()
                        : before + SPEED_WEIGHT * (handle.decodeTps() - before);
            }
            if (outcome == Outcome.REPORTED) {
                jobsHere.finished(jobId);
                return AcknowledgeType.ACCEPT;
            }
            if (!handle.abandoned() && !runner.isAlive()) {
                // Handed back because the runner died under it: what tells a poison job (PoisonLimits).
                jobsHere.runnerDiedWith(jobId);
            }
            return AcknowledgeType.RELEASE;
        } finally {
            handles.remove(jobId, handle);
            jobsHere.end(handle);
        }
    }

    /** A record that will never run: REJECT once its failure is reported; delivered again until then. */
    private AcknowledgeType rejected(Outcome report, String jobId) {
        if (report != Outcome.REPORTED) {
            return AcknowledgeType.RELEASE;
        }
        execution.running().finished(jobId);
        return AcknowledgeType.REJECT;
    }

    private static AcknowledgeType rejected(Outcome report) {
        return report == Outcome.REPORTED ? AcknowledgeType.REJECT : AcknowledgeType.RELEASE;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
