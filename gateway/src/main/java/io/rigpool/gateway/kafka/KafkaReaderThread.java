package io.rigpool.gateway.kafka;

import io.rigpool.common.retry.RetryForever;
import io.rigpool.common.topics.TopicPartitions;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.util.TypeLiteral;
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
 * Reads topics on a thread of its own. The followers every gateway instance runs join no consumer group and assign
 * all partitions by hand; the results' group member (a group id given) subscribes instead. Offsets are committed by
 * the subclass, if at all. When Kafka fails it starts over with a new consumer; {@link #close} stops it. Subclasses
 * say where to start and what to do with the records.
 * <p>
 * The waits (before starting over, and for a topic that does not exist yet) are SmallRye Fault Tolerance's retry in
 * {@link RetryForever}'s shape, a constant {@link #RETRY}, retried only while running: after {@link #close} the
 * wait in progress ends the loop instead of a new try.
 */
public abstract class KafkaReaderThread implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaReaderThread.class);
    protected static final Duration RETRY = Duration.ofSeconds(1);
    private static final TypeLiteral<List<TopicPartition>> PARTITIONS = new TypeLiteral<>() {
    };

    private final Map<String, Object> kafkaConfig;
    private final String clientId;
    private final String groupId;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Consumer<String, byte[]> consumer;
    private final Guard startOver;
    private final Guard untilTopicExists;

    /**
     * @param kafkaConfig the client settings every Kafka client of this process shares (bootstrap servers, ...)
     * @param groupId the consumer group to join, or null for none
     */
    protected KafkaReaderThread(Map<String, Object> kafkaConfig, String clientId, String groupId) {
        this.kafkaConfig = Map.copyOf(kafkaConfig);
        this.clientId = clientId;
        this.groupId = groupId;
        this.thread = new Thread(this::followUntilClosed, clientId);
        this.thread.setDaemon(true);
        this.startOver = Guard.create()
                .withDescription(clientId + ": start over after a failure")
                .withRetry()
                .with(RetryForever.doubling(RETRY, RETRY))
                .whenException(failure -> running && failure instanceof RuntimeException
                        && !(failure instanceof WakeupException))
                .beforeRetry(failure -> LOG.warnf("%s failed, starting over (%s)", clientId, failure.toString()))
                .done()
                .build();
        this.untilTopicExists = Guard.create()
                .withDescription(clientId + ": wait for a topic")
                .withRetry()
                .with(RetryForever.doubling(RETRY, RETRY))
                .whenException(failure -> running && failure instanceof TopicPartitions.NotYetCreated)
                .done()
                .build();
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
        try {
            return untilTopicExists.call(() -> TopicPartitions.of(consumer, topic), PARTITIONS);
        } catch (TopicPartitions.NotYetCreated e) {
            return List.of();
        } catch (InterruptedException e) {
            stopInterrupted();
            return List.of();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void followUntilClosed() {
        while (running) {
            try {
                startOver.call(this::followWithNewConsumer, Void.class);
            } catch (WakeupException e) {
                // close() asked to stop.
            } catch (InterruptedException e) {
                stopInterrupted();
            } catch (Exception e) {
                // Not retried only because closing: nothing to report.
            }
        }
    }

    /** One try: a new consumer, followed until closing; returns at once when closed during the wait before it. */
    private Void followWithNewConsumer() {
        if (!running) {
            return null;
        }
        try (Consumer<String, byte[]> opened = new KafkaConsumer<>(consumerConfig())) {
            consumer = opened;
            if (running) {
                follow(opened);
            }
        }
        return null;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId == null) {
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        } else {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Readers never decide what a topic looks like; the gateway creates its topics on purpose.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    private void stopInterrupted() {
        Thread.currentThread().interrupt();
        running = false;
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
