package io.rigpool.worker.jobs;

import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TokenChunk;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes job updates to {@link Topics#RESULTS} and streamed text to {@link Topics#TOKENS}, keyed by job id so
 * that all records of a job stay in order on one partition of each topic. Idempotent and acks=all: an acknowledged
 * terminal update is on the broker, which is what allows the job's offset to be committed; idempotence also keeps
 * a job's token chunks in the order they were sent, retries included.
 */
public final class ResultPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ResultPublisher.class);

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

    /**
     * Sends a chunk of a job's text without waiting; chunks sent one after another stay in that order. Streaming
     * is best effort: a chunk Kafka does not take is logged, and the job goes on (its result carries the whole text).
     */
    public void publish(TokenChunk chunk) {
        try {
            producer.send(new ProducerRecord<>(Topics.TOKENS, chunk.getJobId(), chunk.toByteArray()));
        } catch (KafkaException e) {
            LOG.debugf("chunk %d of job %s not sent: %s", chunk.getSeq(), chunk.getJobId(), e);
        }
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
