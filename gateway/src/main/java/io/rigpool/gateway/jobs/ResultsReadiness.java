package io.rigpool.gateway.jobs;

import io.rigpool.gateway.jobs.intake.ResultsGroupMember;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until this instance has joined the results group: before that nothing it answers would be stored by it,
 * and if no instance has joined, nothing is stored at all.
 */
@Readiness
@ApplicationScoped
public class ResultsReadiness implements HealthCheck {

    @Inject
    JobUpdateConsumer results;

    @Override
    public HealthCheckResponse call() {
        ResultsGroupMember member = results.member();
        return HealthCheckResponse.named("results group").status(member.joined())
                .withData("partitions", member.assignedPartitions())
                // Partitions whose results the member fetches itself, not from the event follower's copy.
                .withData("fetched again", member.fetchedPartitions())
                .build();
    }
}
