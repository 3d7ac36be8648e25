package io.rigpool.planner.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.common.topics.Topics;
import io.rigpool.infra.EmbeddedKafkaBroker;
import io.rigpool.infra.KafkaRole;
import io.rigpool.infra.KafkaSecurity;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue on a secured broker (the local stack's and a deployment's ACLs) when the gateway created the topic
 * before the planner came up, as it does when it starts first: the planner publishes into it as it is. It used to
 * re-apply the compaction policy, which needs a right the planner does not hold, and so never published at all.
 */
class ModelCataloguePublisherTest {

    @TempDir
    Path dir;

    @Test
    void publishesIntoTheCompactedTopicTheGatewayCreatedFirst() throws Exception {
        KafkaSecurity security = KafkaSecurity.loadOrCreate(dir.resolve("credentials"));
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, 1,
                Optional.of(security)).start()) {
            Map<String, Object> gateway = settings(broker, security, KafkaRole.GATEWAY);
            try (Admin admin = Admin.create(gateway)) {
                admin.createTopics(List.of(new NewTopic(Topics.MODELS, Optional.empty(), Optional.empty()).configs(
                        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
            }
            ModelCataloguePublisher publisher = new ModelCataloguePublisher(settings(broker, security,
                    KafkaRole.PLANNER));

            publisher.publish(Map.of("tiny", ModelCatalogEntry.newBuilder().setModelId("tiny").setReplicasReady(1)
                    .build()));

            assertEquals(List.of("tiny"), catalogueKeys(gateway));
        }
    }

    private static Map<String, Object> settings(EmbeddedKafkaBroker broker, KafkaSecurity security, KafkaRole role) {
        Map<String, Object> settings = new HashMap<>(security.clientSettings(role));
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return settings;
    }

    /** The keys on the catalogue topic, read as the gateway reads it, once one is there. */
    private static List<String> catalogueKeys(Map<String, Object> gateway) {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(gateway, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(Topics.MODELS, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Awaitility.await("a catalogue entry on " + Topics.MODELS).atMost(Duration.ofSeconds(30))
                    .pollInSameThread().until(() -> {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            keys.add(r.key());
                        }
                        return !keys.isEmpty();
                    });
        }
        return keys;
    }
}
