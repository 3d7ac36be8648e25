package io.rigpool.worker.jobs;

import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.worker.runner.RunnerProcess;
import io.rigpool.worker.runner.RunnerSupervisor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One {@link JobConsumer} per loaded model: started when its runner is ready, drained and closed before its runner
 * ends. Draining stops taking jobs, lets the running ones finish within the drain timeout, and hands back those
 * that do not (no result; their records are released and Kafka delivers them again).
 */
public final class JobConsumers implements RunnerSupervisor.Listener {

    private static final Logger LOG = Logger.getLogger(JobConsumers.class);
    /** How long jobs that were handed back get to stop on the runner before the consumer leaves anyway. */
    private static final Duration HAND_BACK_WAIT = Duration.ofSeconds(5);

    /** What the rest of the worker hears about runners through the job side. */
    public interface RunnerEvents {

        void loaded(String modelId, RunnerLoadReport report);

        void crashed(String modelId, RunnerCrash crash);
    }

    private final Map<String, Object> kafka;
    private final String nodeId;
    private final JobExecution execution;
    private final Duration pollTimeout;
    private final PoisonLimits poison;
    private final JobQueueSettings queue;
    private final Duration drainTimeout;
    private final RunnerEvents events;
    private final Map<String, JobConsumer> byModel = new ConcurrentHashMap<>();

    public JobConsumers(Map<String, Object> kafka, String nodeId, JobExecution execution, Duration pollTimeout,
            PoisonLimits poison, JobQueueSettings queue, Duration drainTimeout, RunnerEvents events) {
        this.kafka = Map.copyOf(kafka);
        this.nodeId = nodeId;
        this.execution = execution;
        this.pollTimeout = pollTimeout;
        this.poison = poison;
        this.queue = queue;
        this.drainTimeout = drainTimeout;
        this.events = events;
    }

    @Override
    public void started(RunnerProcess runner) {
        execution.tally().runnerStarted(runner.spec().modelId());
        JobConsumer consumer = new JobConsumer(runner, kafka, nodeId, execution, pollTimeout, poison, queue);
        stopping(consumer.modelId());
        byModel.put(consumer.modelId(), consumer);
        consumer.start();
        events.loaded(consumer.modelId(), runner.loadReport());
    }

    @Override
    public int stopping(String modelId) {
        JobConsumer consumer = byModel.remove(modelId);
        if (consumer == null) {
            return 0;
        }
        drain(List.of(consumer), drainTimeout);
        return consumer.handedBack();
    }

    @Override
    public void crashed(String modelId, RunnerCrash crash) {
        execution.tally().runnerCrashed(modelId);
        events.crashed(modelId, crash);
    }

    /** Drains every model's consumer at once, all within one timeout. */
    public void drainAll(Duration timeout) {
        List<JobConsumer> all = List.copyOf(byModel.values());
        byModel.clear();
        drain(all, timeout);
    }

    /** What this worker's jobs and runners came to so far, for the metrics. */
    public JobTally tally() {
        return execution.tally();
    }

    /** Jobs running now on the model's runner. */
    public int busySlots(String modelId) {
        JobConsumer consumer = byModel.get(modelId);
        return consumer == null ? 0 : consumer.busySlots();
    }

    /** Recent decode speed of the model's jobs, tokens per second; 0 before the first. */
    public double decodeTps(String modelId) {
        JobConsumer consumer = byModel.get(modelId);
        return consumer == null ? 0 : consumer.decodeTps();
    }

    private static void drain(List<JobConsumer> consumers, Duration timeout) {
        if (consumers.isEmpty()) {
            return;
        }
        boolean interrupted = false;
        consumers.forEach(JobConsumer::stopTaking);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (JobConsumer c : consumers) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!c.awaitIdle(left)) {
                    LOG.warnf("jobs of %s still running after %s: handing them back", c.modelId(), timeout);
                    c.handBackRunning();
                    c.awaitIdle(HAND_BACK_WAIT);
                }
            }
        } catch (InterruptedException e) {
            // Stopping in a hurry: whatever still runs goes back to Kafka.
            interrupted = true;
            consumers.forEach(JobConsumer::handBackRunning);
        }
        for (JobConsumer c : consumers) {
            try {
                c.close(HAND_BACK_WAIT);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
