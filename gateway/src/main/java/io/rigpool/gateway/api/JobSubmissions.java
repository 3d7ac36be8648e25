package io.rigpool.gateway.api;

import io.rigpool.common.trace.TraceIds;
import io.rigpool.gateway.auth.Caller;
import io.rigpool.gateway.availability.Availability;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.JobStatus;
import io.rigpool.gateway.jobs.NewJob;
import io.rigpool.gateway.database.DatabaseUnavailableException;
import io.rigpool.gateway.jobs.store.JobWriter;
import io.rigpool.gateway.jobs.store.WriteOutcome;
import io.rigpool.gateway.limits.RateLimiter;
import io.rigpool.gateway.metrics.GatewayMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Takes a checked job in for both APIs: refuses it at once while PostgreSQL or Kafka is down (503) or when the key
 * is over its rate (429), else hands it to the batched writer, which also enforces the key's concurrency limit and
 * idempotency keys. Nothing is written for a refused job.
 */
@ApplicationScoped
public class JobSubmissions {

    private static final Logger LOG = Logger.getLogger(JobSubmissions.class);
    /** How soon a client refused for too many unfinished jobs should look again. */
    static final Duration CONCURRENCY_RETRY = Duration.ofSeconds(1);

    /** A stored job, new or (for a repeated idempotency key) the one made before. */
    public record Submitted(UUID id, String model, JobStatus status, Instant createdAt, boolean repeated) {
    }

    private final RateLimiter rateLimiter = new RateLimiter(System::nanoTime);

    @Inject
    Availability availability;

    @Inject
    JobWriter writer;

    @Inject
    GatewayMetrics metrics;

    @Inject
    RequestTrace trace;

    /**
     * @param api which API took it, for the metrics
     * @throws ApiException at once for a refusal that needs no database; the future fails with one for the rest
     */
    public CompletableFuture<Submitted> submit(Caller caller, UUID jobId, JobSpec spec, String idempotencyKey,
            String api) {
        try {
            availability.requireUp();
            Duration wait = rateLimiter.acquire(caller);
            if (!wait.isZero()) {
                throw ApiException.tooManyRequests("key '" + caller.name() + "' may submit "
                        + caller.limits().ratePerSecond() + " jobs per second (bursts of " + caller.limits().burst()
                        + ")", "rate_limit_exceeded", wait);
            }
        } catch (ApiException refused) {
            metrics.refused(refused.code());
            throw refused;
        }
        String traceId = traceId(jobId);
        NewJob job = new NewJob(jobId, spec, Instant.now().truncatedTo(ChronoUnit.MICROS), caller.keyId(),
                idempotencyKey, caller.limits().maxConcurrentJobs(), traceId);
        return writer.submit(job)
                .handle((outcome, failure) -> {
                    try {
                        if (failure != null) {
                            throw refusal(failure);
                        }
                        Submitted submitted = accepted(job, outcome);
                        if (!submitted.repeated()) {
                            metrics.submitted(spec.model(), api);
                            MDC.put(TraceIds.MDC_KEY, traceId);
                            LOG.infof("job %s queued for %s", submitted.id(), spec.model());
                            MDC.remove(TraceIds.MDC_KEY);
                        }
                        return submitted;
                    } catch (ApiException refused) {
                        metrics.refused(refused.code());
                        throw refused;
                    }
                });
    }

    /** The request's trace id, or the job's own when no request is being handled here. */
    private String traceId(UUID jobId) {
        try {
            return trace.forJob(jobId);
        } catch (ContextNotActiveException e) {
            return TraceIds.ofJob(jobId);
        }
    }

    private Submitted accepted(NewJob job, WriteOutcome outcome) {
        if (outcome instanceof WriteOutcome.Created created) {
            NewJob stored = created.job();
            return new Submitted(stored.id(), stored.spec().model(), JobStatus.QUEUED, stored.createdAt(), false);
        }
        if (outcome instanceof WriteOutcome.Existing existing) {
            if (!existing.job().spec().equals(job.spec())) {
                throw new ApiException(422, ApiException.INVALID_REQUEST, "Idempotency-Key '" + job.idempotencyKey()
                        + "' was already used for a different request (job " + existing.job().id() + ")",
                        IdempotencyKeys.HEADER, "idempotency_key_reused", Map.of());
            }
            return new Submitted(existing.job().id(), existing.job().spec().model(), existing.job().status(),
                    existing.job().createdAt(), true);
        }
        WriteOutcome.TooManyActive tooMany = (WriteOutcome.TooManyActive) outcome;
        throw ApiException.tooManyRequests("this key has " + tooMany.active() + " jobs queued or running, its limit;"
                + " wait for one to finish", "too_many_concurrent_jobs", CONCURRENCY_RETRY);
    }

    private ApiException refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApiException refused) {
            return refused;
        }
        if (cause instanceof JobWriter.Overloaded) {
            return ApiException.unavailable("the gateway has too many jobs waiting to be stored; nothing was stored",
                    availability.retryAfter());
        }
        if (DatabaseUnavailableException.isUnavailability(cause)) {
            availability.databaseFailed(cause);
            return ApiException.unavailable("PostgreSQL is unavailable, so the gateway cannot take jobs right now;"
                    + " nothing was stored", availability.retryAfter());
        }
        LOG.error("storing a job failed", cause);
        return new ApiException(500, ApiException.SERVER, "the gateway failed to store the job", null);
    }
}
