package io.rigpool.worker.jobs;

import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobUpdate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes job updates to {@link Topics#RESULTS}, keyed by job id so that all updates of a job stay in order on one
 * partition. Idempotent and acks=all: an acknowledged terminal update is on the broker, which is what allows the
 * job's offset to be committed.
 */
public final class ResultPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    public ResultPublisher(Map<String, Object> kafka, String clientId) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends without waiting: for progress updates whose loss costs nothing. */
    public Future<RecordMetadata> publish(JobUpdate update) {
        return producer.send(new ProducerRecord<>(Topics.RESULTS, update.getJobId(), update.toByteArray()));
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void publishAcknowledged(JobUpdate update, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        publish(update).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
