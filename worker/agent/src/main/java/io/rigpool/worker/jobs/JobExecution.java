package io.rigpool.worker.jobs;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.worker.runner.RunnerProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Runs one job on a model's runner and reports it: RUNNING, then exactly one terminal update, acknowledged by
 * Kafka. When the job cannot be finished here (the runner died, Kafka did not acknowledge) nothing terminal is
 * published and the job is handed back: its offset stays uncommitted and Kafka delivers it again.
 */
public final class JobExecution {

    private static final Logger LOG = Logger.getLogger(JobExecution.class);
    private static final Duration RUNNER_EXIT_WAIT = Duration.ofSeconds(1);

    /** What became of a job. */
    public enum Outcome {
        /** A terminal update is on the broker: the job's offset may be committed. */
        REPORTED,
        /** Nothing terminal was published: the job must be delivered again. */
        HANDED_BACK
    }

    private final String nodeId;
    private final ResultPublisher publisher;
    private final Duration jobTimeout;
    private final Duration publishTimeout;
    private final Clock clock;

    public JobExecution(String nodeId, ResultPublisher publisher, Duration jobTimeout, Duration publishTimeout,
            Clock clock) {
        this.nodeId = nodeId;
        this.publisher = publisher;
        this.jobTimeout = jobTimeout;
        this.publishTimeout = publishTimeout;
        this.clock = clock;
    }

    public Outcome run(JobRequest job, RunnerProcess runner) throws InterruptedException {
        long startedAt = clock.millis();
        publisher.publish(JobUpdates.running(job, nodeId, startedAt));
        JobUpdate terminal;
        try {
            StringBuilder text = new StringBuilder();
            Finished finished = generate(job, runner, text);
            terminal = JobUpdates.finished(job, nodeId, text.toString(), finished, startedAt, clock.millis());
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            boolean jobsOwnFault = code == Status.Code.INVALID_ARGUMENT;
            if (code == Status.Code.UNAVAILABLE || (!jobsOwnFault && runnerEnded(runner))) {
                LOG.warnf("job %s handed back: runner of %s unavailable (%s)", job.getJobId(), job.getModel(),
                        e.getStatus());
                return Outcome.HANDED_BACK;
            }
            terminal = JobUpdates.failed(job.getJobId(), job.getModel(), nodeId, describe(e), clock.millis());
        }
        return report(terminal);
    }

    /** Reports a record that is not a job at all; redelivering it would fail the same way forever. */
    public Outcome reject(String jobId, String model, String error) throws InterruptedException {
        return report(JobUpdates.failed(jobId, model, nodeId, error, clock.millis()));
    }

    private Outcome report(JobUpdate terminal) throws InterruptedException {
        try {
            publisher.publishAcknowledged(terminal, publishTimeout);
            return Outcome.REPORTED;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("job %s handed back: its result was not acknowledged by Kafka (%s)", terminal.getJobId(),
                    e.getCause() != null ? e.getCause() : e);
            return Outcome.HANDED_BACK;
        }
    }

    private Finished generate(JobRequest job, RunnerProcess runner, StringBuilder text) {
        GenerateRequest request = GenerateRequest.newBuilder()
                .setRequestId(job.getJobId())
                .addAllMessages(job.getMessagesList())
                .setMaxTokens(job.getMaxTokens())
                .setTemperature(job.getTemperature())
                .setTopP(job.getTopP())
                .setHasSeed(job.getHasSeed())
                .setSeed(job.getSeed())
                .addAllStop(job.getStopList())
                .build();
        Iterator<GenerateEvent> events = runner.blocking()
                .withDeadlineAfter(jobTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .generate(request);
        Finished finished = null;
        while (events.hasNext()) {
            GenerateEvent event = events.next();
            if (event.hasPiece()) {
                text.append(event.getPiece().getText());
            } else if (event.hasFinished()) {
                finished = event.getFinished();
            }
        }
        if (finished == null) {
            throw Status.INTERNAL.withDescription("the runner ended the stream without a result").asRuntimeException();
        }
        return finished;
    }

    /**
     * A dying runner breaks the stream a moment before the OS reports the process gone, so a failed call waits a
     * little for the exit before it blames the job.
     */
    private static boolean runnerEnded(RunnerProcess runner) throws InterruptedException {
        try {
            runner.onExit().get(RUNNER_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !runner.isAlive();
        }
    }

    private static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? "" : ": " + status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> "invalid job" + description;
            case DEADLINE_EXCEEDED -> "job took longer than the worker's limit";
            default -> "runner error " + status.getCode() + description;
        };
    }
}
