package io.rigpool.gateway.jobs;

import io.rigpool.gateway.auth.Caller;
import io.rigpool.gateway.jobs.store.JobRow;
import io.rigpool.gateway.jobs.store.JobRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Cancels jobs. A queued job is cancelled at once, in the database; a worker that picks it up anyway is asked to
 * drop it, and whatever it reports is ignored, as the job already has its final state. A running job is asked to
 * stop on {@code rigpool.control}; it ends when its worker reports CANCELLED (or finishes first).
 */
@ApplicationScoped
public class JobCancellation {

    private static final Logger LOG = Logger.getLogger(JobCancellation.class);

    /** What a cancel request did. */
    public enum Result {
        /** No such job, or another key's. */
        NOT_FOUND,
        /** The job is cancelled now (or was already). */
        CANCELLED,
        /** The job's worker was asked to stop it. */
        STOP_REQUESTED,
        /** The job had already succeeded or failed. */
        ALREADY_FINISHED
    }

    /** The result and the job as it is after the request. */
    public record Outcome(Result result, JobRow job) {
    }

    @Inject
    JobRepository repository;

    @Inject
    JobSignals signals;

    @Inject
    JobService jobs;

    /** @throws JobSignals.SignalFailed when a running job's worker could not be told (Kafka down) */
    public Outcome cancel(Caller caller, UUID jobId) {
        JobRow job = jobs.findVisible(caller, jobId).orElse(null);
        if (job == null) {
            return new Outcome(Result.NOT_FOUND, null);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (job.status() == JobStatus.QUEUED && repository.cancelQueued(jobId, now)) {
            tellEveryone(job, now);
            return new Outcome(Result.CANCELLED, reload(jobId));
        }
        job = reload(jobId);
        return switch (job.status()) {
            case CANCELLED -> new Outcome(Result.CANCELLED, job);
            case SUCCEEDED, FAILED -> new Outcome(Result.ALREADY_FINISHED, job);
            default -> {
                repository.markCancelRequested(jobId, now);
                signals.requestCancel(jobId);
                yield new Outcome(Result.STOP_REQUESTED, reload(jobId));
            }
        };
    }

    /** The job is cancelled whether or not these arrive: they only save a worker's time and wake streams early. */
    private void tellEveryone(JobRow job, Instant at) {
        try {
            signals.requestCancel(job.id());
            signals.reportCancelled(job.id(), job.model(), at);
        } catch (JobSignals.SignalFailed e) {
            LOG.warnf("job %s is cancelled, but Kafka was not told (%s)", job.id(), e.getMessage());
        }
    }

    private JobRow reload(UUID jobId) {
        return repository.findJob(jobId).orElseThrow();
    }
}
