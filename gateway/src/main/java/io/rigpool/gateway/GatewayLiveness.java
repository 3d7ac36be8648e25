package io.rigpool.gateway;

import io.rigpool.gateway.events.JobEvents;
import io.rigpool.gateway.jobs.outbox.JobPublishing;
import io.rigpool.gateway.jobs.store.JobWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while the threads that move jobs are: the batched writer, the publisher, and the follower of tokens and
 * results. If one of them died, only a restart brings it back. (PostgreSQL and Kafka being away is a matter for
 * readiness, not liveness: restarting would not bring them back.)
 */
@Liveness
@ApplicationScoped
public class GatewayLiveness implements HealthCheck {

    @Inject
    JobWriter writer;

    @Inject
    JobPublishing publishing;

    @Inject
    JobEvents events;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gateway threads")
                .status(writer.alive() && publishing.alive() && events.followerAlive())
                .withData("job writer", writer.alive())
                .withData("job publisher", publishing.alive())
                .withData("job event follower", events.followerAlive())
                .build();
    }
}
