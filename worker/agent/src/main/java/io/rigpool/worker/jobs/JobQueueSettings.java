package io.rigpool.worker.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The settings a model's share group needs before its first member joins. A new share group starts reading its
 * topic at the end ({@code share.auto.offset.reset=latest}), which would skip every job queued before the first
 * worker of the model came up: the very jobs that made the planner load it. So each worker sets {@code earliest}
 * before it subscribes (idempotent; needs ALTER_CONFIGS on the group, see {@code KafkaAccessPolicy}).
 *
 * @param recordLock how long the broker keeps a job's record locked to its worker without a renewal, that is how
 *        soon the jobs of a worker that died are delivered again; empty: the broker's
 *        {@code group.share.record.lock.duration.ms} (30 s)
 */
public record JobQueueSettings(Optional<Duration> recordLock) {

    static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
    static final String RECORD_LOCK = "share.record.lock.duration.ms";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The broker's defaults but for the start of the group. */
    public static JobQueueSettings brokerLock() {
        return new JobQueueSettings(Optional.empty());
    }

    /** Sets the group's start to the earliest queued job, and its lock if given; throws when Kafka did not. */
    public void apply(Map<String, Object> kafka, String group)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Object> client = AdminSettings.from(kafka);
        client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (Admin admin = Admin.create(client)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            List<AlterConfigOp> settings = new ArrayList<>();
            settings.add(new AlterConfigOp(new ConfigEntry(AUTO_OFFSET_RESET, "earliest"), AlterConfigOp.OpType.SET));
            recordLock.ifPresent(lock -> settings.add(new AlterConfigOp(new ConfigEntry(RECORD_LOCK,
                    String.valueOf(lock.toMillis())), AlterConfigOp.OpType.SET)));
            admin.incrementalAlterConfigs(Map.of(resource, settings)).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
