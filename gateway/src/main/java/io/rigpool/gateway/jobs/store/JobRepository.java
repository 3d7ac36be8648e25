package io.rigpool.gateway.jobs.store;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.rigpool.gateway.jobs.JobFilter;
import io.rigpool.gateway.jobs.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads of the jobs table (a caller's page of jobs, jobs the outbox has not published yet) and the gateway's own
 * conditional changes to it (cancelling a queued job). What workers report is applied by {@code JobResultStore}.
 */
@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<JobEntity, UUID> {

    private static final List<JobStatus> OPEN = List.of(JobStatus.QUEUED, JobStatus.RUNNING);

    /** Queued jobs whose publish Kafka never acknowledged, created before {@code cutoff}, oldest first. */
    @Transactional
    public List<JobEntity> unpublishedBefore(Instant cutoff, int limit) {
        return find("publishedAt is null and status = :queued and createdAt < :cutoff", Sort.by("createdAt"),
                Parameters.with("queued", JobStatus.QUEUED).and("cutoff", cutoff))
                .page(0, limit)
                .list();
    }

    /** One page of jobs, newest first, after the job {@code after} (null: from the newest). */
    @Transactional
    public List<JobEntity> page(UUID owner, boolean allOwners, JobFilter filter, JobEntity after, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (!allOwners) {
            if (owner == null) {
                query.append(" and apiKeyId is null");
            } else {
                query.append(" and apiKeyId = :owner");
                parameters.and("owner", owner);
            }
        }
        if (!filter.statuses().isEmpty()) {
            query.append(" and status in :statuses");
            parameters.and("statuses", List.copyOf(filter.statuses()));
        }
        if (filter.model() != null) {
            query.append(" and model = :model");
            parameters.and("model", filter.model());
        }
        if (filter.createdAfter() != null) {
            query.append(" and createdAt >= :createdAfter");
            parameters.and("createdAfter", filter.createdAfter());
        }
        if (filter.createdBefore() != null) {
            query.append(" and createdAt < :createdBefore");
            parameters.and("createdBefore", filter.createdBefore());
        }
        if (after != null) {
            query.append(" and (createdAt < :cursorAt or (createdAt = :cursorAt and id < :cursorId))");
            parameters.and("cursorAt", after.createdAt).and("cursorId", after.id);
        }
        return find(query.toString(), Sort.descending("createdAt", "id"), parameters).page(0, limit).list();
    }

    /** Cancels a job no worker has started; returns whether it was still queued. */
    @Transactional
    public boolean cancelQueued(UUID id, Instant at) {
        return update("status = :cancelled, finishedAt = :at, error = :why where id = :id and status = :queued",
                Parameters.with("cancelled", JobStatus.CANCELLED)
                        .and("at", at)
                        .and("why", "cancelled before a worker started it")
                        .and("id", id)
                        .and("queued", JobStatus.QUEUED)) == 1;
    }

    /** Notes that a client asked to stop a running job; the worker's CANCELLED update ends it. */
    @Transactional
    public void markCancelRequested(UUID id, Instant at) {
        update("cancelRequestedAt = coalesce(cancelRequestedAt, :at) where id = :id",
                Parameters.with("at", at).and("id", id));
    }

    /** Those of the given jobs that have ended. */
    @Transactional
    public List<JobEntity> finishedAmong(Collection<UUID> jobIds) {
        return list("id in :ids and status not in :open", Parameters.with("ids", jobIds).and("open", OPEN));
    }

    @Transactional
    public Optional<JobEntity> findJob(UUID id) {
        return findByIdOptional(id);
    }

    /** Queued jobs per model, for the queue-depth gauge. */
    @Transactional
    public Map<String, Long> queuedPerModel() {
        List<Object[]> rows = getEntityManager()
                .createQuery("select model, count(*) from JobEntity where status = :queued group by model",
                        Object[].class)
                .setParameter("queued", JobStatus.QUEUED)
                .getResultList();
        Map<String, Long> counts = new HashMap<>();
        for (Object[] row : rows) {
            counts.put((String) row[0], ((Number) row[1]).longValue());
        }
        return counts;
    }

    /**
     * Deletes up to {@code limit} finished jobs created before {@code cutoff}; returns how many. Unfinished jobs
     * are kept however old: a client may still be waiting for them.
     */
    @Transactional
    public int purgeFinishedBefore(Instant cutoff, int limit) {
        return getEntityManager().createNativeQuery("""
                DELETE FROM gateway.jobs WHERE id IN (
                    SELECT id FROM gateway.jobs
                    WHERE created_at < ?1 AND status IN ('succeeded', 'failed', 'cancelled')
                    LIMIT ?2)""")
                .setParameter(1, cutoff)
                .setParameter(2, limit)
                .executeUpdate();
    }
}
