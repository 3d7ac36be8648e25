package io.rigpool.gateway.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads topics on a thread of its own, as every gateway instance must: no consumer group, no committed offsets,
 * all partitions assigned by hand. When Kafka fails it starts over with a new consumer; {@link #close} stops it.
 * Subclasses say where to start and what to do with the records.
 */
public abstract class GrouplessFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GrouplessFollower.class);
    protected static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<String, Object> kafkaConfig;
    private final String clientId;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Consumer<String, byte[]> consumer;

    /** @param kafkaConfig the client settings every Kafka client of this process shares (bootstrap servers, ...) */
    protected GrouplessFollower(Map<String, Object> kafkaConfig, String clientId) {
        this.kafkaConfig = Map.copyOf(kafkaConfig);
        this.clientId = clientId;
        this.thread = new Thread(this::followUntilClosed, clientId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean alive() {
        return thread.isAlive();
    }

    /** Reads with this consumer until closing; throwing starts over with a new consumer. */
    protected abstract void follow(Consumer<String, byte[]> consumer);

    protected boolean running() {
        return running;
    }

    protected Map<String, Object> kafkaConfig() {
        return kafkaConfig;
    }

    /** The topic's partitions once it exists; empty only when closing. */
    protected List<TopicPartition> awaitPartitions(Consumer<String, byte[]> consumer, String topic) {
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
                    LOG.warnf("%s failed, starting over (%s)", clientId, e.toString());
                    pause(RETRY);
                }
            }
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Readers never decide what a topic looks like; the gateway creates its topics on purpose.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    protected void pause(Duration duration) {
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
