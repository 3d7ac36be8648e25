package io.rigpool.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.common.topics.ProducerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race of KAFKA-15591 on the real 4.2.1 broker: a producer writing at once to partitions created a moment ago.
 * With Kafka's default five requests in flight this lost records in 4 of 10 fresh topics here; with
 * {@link ProducerSettings#noLoss} every record of every topic must arrive.
 */
class NewPartitionProducerTest {

    private static final int TOPICS = 6;
    private static final int RECORDS = 400;

    @TempDir
    Path dir;

    @Test
    void aProducerWithTheSharedSettingsLosesNothingOnPartitionsCreatedAMomentAgo() throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0, 8).start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            for (int t = 0; t < TOPICS; t++) {
                String topic = "fresh-" + t;
                // Not waited for: the producer starts while the broker is still making the partitions.
                admin.createTopics(List.of(new NewTopic(topic, 8, (short) 1)));
                assertEquals(0, lostRecords(broker, topic), topic);
            }
        }
    }

    private static int lostRecords(EmbeddedKafkaBroker broker, String topic) throws InterruptedException {
        Map<String, Object> settings = ProducerSettings.noLoss(Map.of("bootstrap.servers", broker.bootstrapServers()));
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // A lost record shows as a send that fails after this; the default two minutes would only slow the test.
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        int lost = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new StringSerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value")));
            }
            for (Future<RecordMetadata> send : sends) {
                try {
                    send.get();
                } catch (ExecutionException e) {
                    lost++;
                }
            }
        }
        return lost;
    }
}
