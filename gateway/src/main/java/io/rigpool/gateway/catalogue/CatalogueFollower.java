package io.rigpool.gateway.catalogue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the whole catalogue topic into a {@link ModelCatalogue} and keeps following it, on a thread of its own.
 *
 * <p>Every gateway needs every record, so this consumer joins no group and commits nothing: it assigns itself all
 * partitions and starts from the beginning each time. That also lets it tell when it has caught up: when its
 * position reaches the end offsets it saw at the start, the catalogue is complete.
 */
public final class CatalogueFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CatalogueFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<String, Object> kafkaConfig;
    private final String topic;
    private final ModelCatalogue catalogue;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Consumer<String, byte[]> consumer;

    /**
     * @param kafkaConfig the client settings every Kafka client of this process shares (bootstrap servers, ...)
     */
    public CatalogueFollower(Map<String, Object> kafkaConfig, String topic, ModelCatalogue catalogue) {
        this.kafkaConfig = Map.copyOf(kafkaConfig);
        this.topic = topic;
        this.catalogue = catalogue;
        this.thread = new Thread(this::followUntilClosed, "model-catalogue-follower");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void followUntilClosed() {
        while (running) {
            try (Consumer<String, byte[]> opened = new KafkaConsumer<>(consumerConfig())) {
                consumer = opened;
                if (running) {
                    follow(opened);
                }
            } catch (WakeupException e) {
                // close() asked to stop.
            } catch (RuntimeException e) {
                if (running) {
                    // The map keeps what it has: a stale model is better than none while Kafka is away.
                    LOG.warnf("reading the model catalogue failed, starting over (%s)", e.toString());
                    pause(RETRY);
                }
            }
        }
    }

    private void follow(Consumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = awaitPartitions(consumer);
        if (partitions.isEmpty()) {
            return;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> endAtStart = consumer.endOffsets(partitions);
        while (running) {
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

    /** The topic's partitions once it exists; empty only when closing. */
    private List<TopicPartition> awaitPartitions(Consumer<String, byte[]> consumer) {
        createTopicIfMissing();
        while (running) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            pause(RETRY);
        }
        return List.of();
    }

    /**
     * Creates the topic compacted if nobody has yet, so a gateway that starts before the planner neither waits for
     * it nor lets a first producer auto-create an uncompacted topic. Failing here is not fatal: the planner may
     * still create it, and {@link #awaitPartitions} waits for that.
     */
    private void createTopicIfMissing() {
        Map<String, Object> adminConfig = new HashMap<>(kafkaConfig);
        adminConfig.put("client.id", "rigpool-gateway-catalogue-admin");
        try (Admin admin = Admin.create(adminConfig)) {
            NewTopic compacted = new NewTopic(topic, Optional.empty(), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(compacted)).all().get(10, TimeUnit.SECONDS);
            LOG.infof("created the compacted topic %s", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warnf("could not create topic %s (%s); waiting for it", topic, e.getCause().toString());
            }
        } catch (TimeoutException e) {
            LOG.warnf("creating topic %s timed out; waiting for it", topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "rigpool-gateway-catalogue");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only the planner's catalogue decides what this topic looks like; never create it by reading.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
