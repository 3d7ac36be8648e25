package io.rigpool.planner.demand;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.topics.Topics;
import io.rigpool.planner.PlannerConfig;
import io.rigpool.planner.nodes.FleetCoordinator;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.jboss.logging.Logger;

/**
 * Reads, every few seconds, how many jobs each model's topic holds and how many of them its workers' share group
 * ({@code rigpool.workers.<model id>}) has not yet acknowledged (its lag), with Kafka's admin client, and hands the readings to the
 * fleet loop. Runs on its own thread: admin calls block, the fleet loop must not. Kafka being down only means no
 * new readings; the last demand stands.
 */
@ApplicationScoped
public class KafkaDemandReader {

    private static final Logger LOG = Logger.getLogger(KafkaDemandReader.class);
    static final String WORKER_GROUP_PREFIX = "rigpool.workers.";

    /** Quarkus's Kafka settings (kafka.*: bootstrap servers, and SASL credentials on a secured broker). */
    private final Map<String, Object> kafka;
    private final PlannerConfig config;
    private final FleetCoordinator fleet;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demand-reader");
        t.setDaemon(true);
        return t;
    });
    private Admin admin;
    private boolean warned;

    KafkaDemandReader(@Identifier("default-kafka-broker") Map<String, Object> kafka, PlannerConfig config,
            FleetCoordinator fleet) {
        this.kafka = kafka;
        this.config = config;
        this.fleet = fleet;
    }

    void start(@Observes StartupEvent event) {
        long period = config.planner().demand().interval().toMillis();
        thread.scheduleWithFixedDelay(this::readOnce, period, period, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        thread.shutdownNow();
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }

    private void readOnce() {
        try {
            fleet.demandObserved(read());
            warned = false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (!warned) {
                LOG.warnf("could not read job topic offsets (demand stays as last read): %s", e.getMessage());
                warned = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<DemandTracker.Reading> read() throws ExecutionException, InterruptedException, TimeoutException {
        Admin a = admin();
        Set<String> topics = a.listTopics().names().get(5, TimeUnit.SECONDS);
        List<String> jobTopics = topics.stream().filter(t -> t.startsWith(Topics.JOBS_PREFIX)).sorted().toList();
        if (jobTopics.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions = a.describeTopics(jobTopics).allTopicNames()
                .get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        descriptions.forEach((topic, d) -> d.partitions().forEach(p -> {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
        }));
        ListOffsetsResult ends = a.listOffsets(latest);
        ListOffsetsResult starts = a.listOffsets(earliest);
        Map<String, ListShareGroupOffsetsSpec> groups = new HashMap<>();
        for (String topic : jobTopics) {
            groups.put(WORKER_GROUP_PREFIX + topic.substring(Topics.JOBS_PREFIX.length()),
                    new ListShareGroupOffsetsSpec().topicPartitions(latest.keySet().stream()
                            .filter(tp -> tp.topic().equals(topic)).toList()));
        }
        ListShareGroupOffsetsResult shares = a.listShareGroupOffsets(groups);
        Instant at = clock.instant();
        List<DemandTracker.Reading> readings = new ArrayList<>();
        for (String topic : jobTopics) {
            String modelId = topic.substring(Topics.JOBS_PREFIX.length());
            Map<TopicPartition, SharePartitionOffsetInfo> groupOffsets = shareOffsets(shares,
                    WORKER_GROUP_PREFIX + modelId);
            long produced = 0;
            long consumed = 0;
            for (TopicPartition tp : latest.keySet()) {
                if (!tp.topic().equals(topic)) {
                    continue;
                }
                long end = ends.partitionResult(tp).get(5, TimeUnit.SECONDS).offset();
                long start = starts.partitionResult(tp).get(5, TimeUnit.SECONDS).offset();
                produced += end;
                consumed += consumedUpTo(groupOffsets.get(tp), start, end);
            }
            readings.add(new DemandTracker.Reading(modelId, produced, consumed, at));
        }
        return readings;
    }

    /**
     * How many of a partition's jobs the share group is done with: all but its lag (jobs not yet acknowledged,
     * waiting or running), or, from a broker that does not tell the lag, all before its start offset (the first
     * job not yet acknowledged). A group that has not started on the partition is done with none of it.
     */
    static long consumedUpTo(SharePartitionOffsetInfo share, long start, long end) {
        if (share == null) {
            return start;
        }
        return share.lag().map(lag -> Math.max(start, end - lag))
                .orElse(Math.min(end, Math.max(start, share.startOffset())));
    }

    /** The share group's offsets per partition; none when the group does not exist yet (no worker joined it). */
    private static Map<TopicPartition, SharePartitionOffsetInfo> shareOffsets(ListShareGroupOffsetsResult shares,
            String group) throws InterruptedException, TimeoutException {
        try {
            Map<TopicPartition, SharePartitionOffsetInfo> offsets = shares.partitionsToOffsetInfo(group)
                    .get(5, TimeUnit.SECONDS);
            return offsets == null ? Map.of() : offsets;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw new IllegalStateException("could not read the share group " + group, e.getCause());
        }
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> settings = new HashMap<>(kafka);
            settings.put("request.timeout.ms", 5000);
            settings.put("default.api.timeout.ms", 5000);
            admin = Admin.create(settings);
        }
        return admin;
    }
}
