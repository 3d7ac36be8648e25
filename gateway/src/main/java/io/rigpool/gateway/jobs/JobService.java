package io.rigpool.gateway.jobs;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/** Takes jobs in and answers what became of them. */
@ApplicationScoped
public class JobService {

    @Inject
    JobRepository repository;

    @Inject
    JobPublishing publishing;

    /**
     * Stores the job, commits, and only then publishes it: a worker can never see a job the database does not
     * have, and a job whose publish is lost stays unpublished in the table for the sweeper.
     */
    public JobEntity submit(JobSpec spec) {
        // PostgreSQL keeps microseconds; cut here so the answer shows the same instant the row holds.
        JobEntity job = JobEntity.queued(UUID.randomUUID(), spec, Instant.now().truncatedTo(ChronoUnit.MICROS));
        QuarkusTransaction.requiringNew().run(() -> repository.persist(job));
        publishing.publish(job);
        return job;
    }

    public Optional<JobEntity> find(UUID jobId) {
        return repository.findByIdOptional(jobId);
    }
}
