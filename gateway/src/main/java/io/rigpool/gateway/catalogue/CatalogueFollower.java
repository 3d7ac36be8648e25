package io.rigpool.gateway.catalogue;

import io.rigpool.gateway.kafka.KafkaReaderThread;
import io.rigpool.gateway.kafka.TopicCreation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logging.Logger;

/**
 * Reads the whole catalogue topic into a {@link ModelCatalogue} and keeps following it.
 *
 * <p>Every gateway needs every record, so this consumer starts from the beginning each time. That also lets it tell
 * when it has caught up: when its position reaches the end offsets it saw at the start, the catalogue is complete.
 * When Kafka fails, the map keeps what it has: a stale model is better than none while Kafka is away.
 */
public final class CatalogueFollower extends KafkaReaderThread {

    private static final Logger LOG = Logger.getLogger(CatalogueFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final String topic;
    private final ModelCatalogue catalogue;

    public CatalogueFollower(Map<String, Object> kafkaConfig, String topic, ModelCatalogue catalogue) {
        super(kafkaConfig, "model-catalogue-follower", null);
        this.topic = topic;
        this.catalogue = catalogue;
    }

    @Override
    protected void follow(Consumer<String, byte[]> consumer) {
        createTopicIfMissing();
        List<TopicPartition> partitions = awaitPartitions(consumer, topic);
        if (partitions.isEmpty()) {
            return;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> endAtStart = consumer.endOffsets(partitions);
        while (running()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                catalogue.apply(record.key(), record.value());
            }
            if (!catalogue.caughtUp()
                    && partitions.stream().allMatch(p -> consumer.position(p) >= endAtStart.get(p))) {
                catalogue.markCaughtUp();
                LOG.infof("model catalogue loaded: %s", catalogue.modelIds());
            }
        }
    }

    /**
     * Creates the topic compacted if nobody has yet, so a gateway that starts before the planner neither waits for
     * it nor lets a first producer auto-create an uncompacted topic.
     */
    private void createTopicIfMissing() {
        TopicCreation.createMissing(kafkaConfig(), "rigpool-gateway-catalogue-admin", List.of(
                new NewTopic(topic, Optional.empty(), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    }
}
