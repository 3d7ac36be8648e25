package io.rigpool.worker.jobs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** What the tests read of a model's job queue on the broker: the jobs its share group has not acknowledged. */
public final class JobQueueBacklog {

    private JobQueueBacklog() {
    }

    /**
     * Jobs of the topic not yet acknowledged by the model's share group (waiting or running), summed over its
     * partitions: the share-partition's lag, or all jobs for a partition the group has not started on.
     */
    public static long unacknowledged(String bootstrap, String modelId, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, SharePartitionOffsetInfo> shares;
            try {
                shares = admin.listShareGroupOffsets(Map.of(JobConsumer.groupId(modelId),
                        new ListShareGroupOffsetsSpec().topicPartitions(latest.keySet())))
                        .partitionsToOffsetInfo(JobConsumer.groupId(modelId)).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                shares = Map.of();
            }
            long backlog = 0;
            for (var end : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                SharePartitionOffsetInfo share = shares == null ? null : shares.get(end.getKey());
                long endOffset = end.getValue().offset();
                backlog += share == null ? endOffset
                        : share.lag().orElse(Math.max(0, endOffset - share.startOffset()));
            }
            return backlog;
        }
    }
}
