package io.rigpool.gateway.jobs;

import io.rigpool.gateway.auth.Caller;
import io.rigpool.gateway.jobs.store.JobRow;
import io.rigpool.gateway.jobs.store.JobRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Answers what became of jobs, showing each caller only the jobs it may see. */
@ApplicationScoped
public class JobService {

    /** One page of a listing; {@code hasMore} says whether a next page exists. */
    public record Page(List<JobRow> jobs, boolean hasMore) {
    }

    @Inject
    JobRepository repository;

    /** Empty for an unknown job and for another key's job alike, so ids of others' jobs reveal nothing. */
    public Optional<JobRow> findVisible(Caller caller, UUID jobId) {
        return repository.findJob(jobId).filter(job -> caller.canSee(job.apiKeyId()));
    }

    /** Jobs newest first; {@code after} must be a visible job (the last of the previous page), or null. */
    public Page list(Caller caller, JobFilter filter, JobRow after, int limit) {
        List<JobRow> rows = repository.page(caller.keyId(), caller.admin(), filter, after, limit + 1);
        boolean hasMore = rows.size() > limit;
        return new Page(hasMore ? rows.subList(0, limit) : rows, hasMore);
    }
}
