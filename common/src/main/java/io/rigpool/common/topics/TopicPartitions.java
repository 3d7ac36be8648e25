package io.rigpool.common.topics;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Every partition of a topic, for a consumer that reads all of it without a group (the gateway's followers, the
 * worker's control listener). A topic that does not exist yet is an answer the callers wait out, so it is told apart
 * from other failures.
 */
public final class TopicPartitions {

    private TopicPartitions() {
    }

    /** The topic's partitions; {@link NotYetCreated} when it has none (yet). */
    public static List<TopicPartition> of(Consumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new NotYetCreated(topic);
        }
        return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    }

    /**
     * The topic has no partitions yet. Thrown once a second while a service waits for a topic another one creates,
     * so without a stack trace.
     */
    public static final class NotYetCreated extends RuntimeException {

        public NotYetCreated(String topic) {
            super(topic + " has no partitions yet", null, false, false);
        }
    }
}
