package io.rigpool.planner.demand;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.common.topics.Topics;
import io.rigpool.infra.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Demand as read from the real Kafka: a model's backlog is what its workers' share group has not acknowledged yet
 * (waiting or running), and all of its topic while no worker ever joined the group.
 */
class KafkaDemandReaderTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void theBacklogIsWhatTheShareGroupHasNotAcknowledged() throws Exception {
        String bootstrap = SharedInfrastructure.get().kafkaBootstrapServers();
        String served = "demand-served-" + UUID.randomUUID().toString().substring(0, 8);
        String unserved = "demand-unserved-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                KafkaProducer<String, String> producer = new KafkaProducer<>(ProducerSettings.noLoss(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)), new StringSerializer(),
                        new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(Topics.jobs(served), 2, (short) 1),
                    new NewTopic(Topics.jobs(unserved), 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP,
                    KafkaDemandReader.WORKER_GROUP_PREFIX + served), List.of(new AlterConfigOp(
                    new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(Topics.jobs(served), "job-" + i, "job")).get(30, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(Topics.jobs(unserved), "job-" + i, "job"))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        // A worker of the served model finishes one job and is still running another.
        try (KafkaShareConsumer<String, String> worker = new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, KafkaDemandReader.WORKER_GROUP_PREFIX + served,
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit",
                ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1), new StringDeserializer(), new StringDeserializer())) {
            worker.subscribe(List.of(Topics.jobs(served)));
            ConsumerRecord<String, String> done = null;
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (done == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : worker.poll(Duration.ofMillis(200))) {
                    done = r;
                    worker.acknowledge(r, AcknowledgeType.ACCEPT);
                }
            }
            worker.commitSync();
            KafkaDemandReader reader = new KafkaDemandReader(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap), null, null);
            await().atMost(DEADLINE).until(() -> reading(reader, served).consumed() == 1);
            assertEquals(3, reading(reader, served).produced());
            assertEquals(3, reading(reader, unserved).produced());
            assertEquals(0, reading(reader, unserved).consumed(), "no worker ever joined: all of it is backlog");
        }
    }

    private static DemandTracker.Reading reading(KafkaDemandReader reader, String modelId) throws Exception {
        return reader.read().stream().filter(r -> r.modelId().equals(modelId)).findFirst().orElseThrow();
    }
}
