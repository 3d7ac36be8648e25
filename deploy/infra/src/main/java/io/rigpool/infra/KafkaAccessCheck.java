package io.rigpool.infra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Tries, as a given client, to write to and to read from each topic of a running broker, and says what the broker
 * answered. It proves the ACLs on the real broker (tests) and records the matrix (the security benchmark).
 */
public final class KafkaAccessCheck {

    /** One cell: this client, this topic, this operation; allowed or refused, and how the broker said it. */
    public record Cell(String client, String topic, String operation, boolean allowed, String answer) {
    }

    private static final Duration WAIT = Duration.ofSeconds(4);

    private final String bootstrapServers;

    public KafkaAccessCheck(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Creates the topics as the admin, so that every refusal is about rights, not about a missing topic. */
    public void createTopics(Map<String, String> adminSettings, List<String> topics)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(config(adminSettings))) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    public Cell write(String client, Map<String, String> settings, String topic) {
        Map<String, Object> config = config(settings);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WAIT.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis() - 500);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "access-check", "forged")).get(WAIT.toMillis() * 2,
                    TimeUnit.MILLISECONDS);
            return new Cell(client, topic, "write", true, "acknowledged");
        } catch (ExecutionException e) {
            return new Cell(client, topic, "write", false, name(e.getCause()));
        } catch (KafkaException | TimeoutException e) {
            return new Cell(client, topic, "write", false, name(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Cell(client, topic, "write", false, "interrupted");
        }
    }

    /** Reads from the start of partition 0 without a group: only the topic's READ right counts. */
    public Cell read(String client, Map<String, String> settings, String topic) {
        Map<String, Object> config = config(settings);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis() - 500);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.position(partition, WAIT);
            consumer.poll(Duration.ofMillis(500));
            return new Cell(client, topic, "read", true, "read");
        } catch (KafkaException e) {
            return new Cell(client, topic, "read", false, name(e));
        }
    }

    /** Every topic written and read by one client. */
    public List<Cell> matrix(String client, Map<String, String> settings, List<String> topics) {
        List<Cell> cells = new ArrayList<>();
        for (String topic : topics) {
            cells.add(write(client, settings, topic));
            cells.add(read(client, settings, topic));
        }
        return cells;
    }

    private Map<String, Object> config(Map<String, String> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    private static String name(Throwable e) {
        return e.getClass().getSimpleName();
    }
}
