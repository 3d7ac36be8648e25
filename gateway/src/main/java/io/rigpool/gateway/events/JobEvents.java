package io.rigpool.gateway.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.Maintenance;
import io.rigpool.gateway.jobs.JobUpdateConsumer;
import io.rigpool.gateway.jobs.store.JobRepository;
import io.rigpool.gateway.jobs.store.JobRow;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs this instance's {@link JobEventHub}: the Kafka follower that feeds it, the clean-up of its memory, the
 * heartbeats of open streams, and the database check for watched jobs whose end went by unseen (a watch begun just
 * after the final update passed, before it was stored).
 */
@ApplicationScoped
public class JobEvents {

    static final int CHECK_SLICE = 500;

    @Inject
    GatewayConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    JobRepository repository;

    @Inject
    Maintenance maintenance;

    @Inject
    JobUpdateConsumer results;

    private JobEventHub hub;
    private final Heartbeats heartbeats = new Heartbeats();
    private JobEventFollower follower;

    @PostConstruct
    void createHub() {
        GatewayConfig.Streams streams = config.streams();
        hub = new JobEventHub(streams.replayWindow(), streams.linger(), streams.maxJobs(), System::nanoTime);
    }

    void start(@Observes StartupEvent event) {
        GatewayConfig.Streams streams = config.streams();
        follower = new JobEventFollower(kafkaConfig, "rigpool-gateway-job-events", hub, streams.replayWindow(),
                results.member());
        follower.start();
        maintenance.every(streams.statusCheckPeriod(), "job event clean-up", hub::expire);
        maintenance.every(streams.statusCheckPeriod(), "missed job end check", this::checkMissedEnds);
        maintenance.every(streams.heartbeat(), "stream heartbeat", heartbeats::beat);
    }

    void stop(@Observes ShutdownEvent event) {
        if (follower != null) {
            follower.close();
        }
    }

    public JobEventHub hub() {
        return hub;
    }

    public Heartbeats heartbeats() {
        return heartbeats;
    }

    public boolean followerAlive() {
        return follower != null && follower.alive();
    }

    void checkMissedEnds() {
        List<UUID> waiting = hub.watchedUnfinishedIdleFor(config.streams().statusCheckPeriod());
        // In slices, so thousands of waiting requests do not make one statement with thousands of parameters.
        for (int from = 0; from < waiting.size(); from += CHECK_SLICE) {
            List<UUID> slice = waiting.subList(from, Math.min(waiting.size(), from + CHECK_SLICE));
            for (JobRow job : repository.finishedAmong(slice)) {
                hub.finish(job.id(), JobOutcome.of(job));
            }
        }
    }
}
