package io.rigpool.gateway.jobs;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The jobs table. Every change a worker reports is one conditional UPDATE, so the database, not this process,
 * decides whether it still applies: a repeated or late update finds no row to change.
 */
@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<JobEntity, UUID> {

    private static final List<JobStatus> OPEN = List.of(JobStatus.QUEUED, JobStatus.RUNNING);

    /** Records that Kafka holds these jobs; returns how many rows changed. */
    @Transactional
    public int markPublished(Collection<UUID> jobIds, Instant at) {
        return update("publishedAt = :at where id in :ids and publishedAt is null",
                Parameters.with("at", at).and("ids", jobIds));
    }

    /** Queued jobs whose publish Kafka never acknowledged, created before {@code cutoff}, oldest first. */
    @Transactional
    public List<JobEntity> unpublishedBefore(Instant cutoff, int limit) {
        return find("publishedAt is null and status = :queued and createdAt < :cutoff", Sort.by("createdAt"),
                Parameters.with("queued", JobStatus.QUEUED).and("cutoff", cutoff))
                .page(0, limit)
                .list();
    }

    /** Moves a queued job to running; a job that is already running or final stays as it is. */
    @Transactional
    public boolean markStarted(JobProgress.Started started) {
        return update("status = :running, startedAt = :at, nodeId = :node where id = :id and status = :queued",
                Parameters.with("running", JobStatus.RUNNING)
                        .and("at", started.at())
                        .and("node", started.nodeId())
                        .and("id", started.jobId())
                        .and("queued", JobStatus.QUEUED)) == 1;
    }

    /** Stores a final result unless the job already has one; returns whether this one was stored. */
    @Transactional
    public boolean storeFinished(JobProgress.Finished finished) {
        return update("""
                status = :status, finishedAt = :at, startedAt = coalesce(startedAt, :at),
                resultText = :text, finishReason = :reason,
                promptTokens = :promptTokens, completionTokens = :completionTokens,
                nodeId = coalesce(:node, nodeId), error = :error, timings = :timings
                where id = :id and status in :open""",
                Parameters.with("status", finished.status())
                        .and("at", finished.at())
                        .and("text", finished.text())
                        .and("reason", finished.finishReason())
                        .and("promptTokens", finished.promptTokens())
                        .and("completionTokens", finished.completionTokens())
                        .and("node", finished.nodeId())
                        .and("error", finished.error())
                        .and("timings", finished.timings())
                        .and("id", finished.jobId())
                        .and("open", OPEN)) == 1;
    }
}
