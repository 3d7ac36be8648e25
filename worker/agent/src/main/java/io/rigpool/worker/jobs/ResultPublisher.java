package io.rigpool.worker.jobs;

import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TokenChunk;
import java.time.Duration;
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
 * a job's token chunks in the order they were sent, retries included. Each record carries the job's trace id, when
 * it has one, in the {@link TraceIds#KAFKA_HEADER} header.
 *
 * <p>Updates and text go through two producers. Every producer keeps one request in flight per connection
 * ({@link ProducerSettings#noLoss}), so with one producer a job's terminal update waited behind its last text chunk's
 * round trip to the broker: a millisecond or more on the way of every answer. Order across the two topics is not
 * needed: the gateway drops a chunk that comes after its job's end, and its streams take the text the end carries
 * beyond what the chunks brought.
 */
public final class ResultPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ResultPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaProducer<String, byte[]> tokenProducer;

    public ResultPublisher(Map<String, Object> kafka, String clientId) {
        this.producer = producer(kafka, clientId);
        this.tokenProducer = producer(kafka, clientId + "-tokens");
    }

    private static KafkaProducer<String, byte[]> producer(Map<String, Object> kafka, String clientId) {
        Map<String, Object> config = ProducerSettings.noLoss(kafka);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends without waiting: for progress updates whose loss costs nothing. */
    public Future<RecordMetadata> publish(JobUpdate update, String traceId) {
        return producer.send(traced(new ProducerRecord<>(Topics.RESULTS, update.getJobId(), update.toByteArray()),
                traceId));
    }

    /**
     * Sends a chunk of a job's text without waiting; chunks sent one after another stay in that order. Streaming
     * is best effort: a chunk Kafka does not take is logged, and the job goes on (its result carries the whole text).
     */
    public void publish(TokenChunk chunk, String traceId) {
        try {
            tokenProducer.send(traced(new ProducerRecord<>(Topics.TOKENS, chunk.getJobId(), chunk.toByteArray()),
                    traceId));
        } catch (KafkaException e) {
            LOG.debugf("chunk %d of job %s not sent: %s", chunk.getSeq(), chunk.getJobId(), e);
        }
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void publishAcknowledged(JobUpdate update, String traceId, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        publish(update, traceId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ProducerRecord<String, byte[]> traced(ProducerRecord<String, byte[]> record, String traceId) {
        if (traceId != null) {
            record.headers().add(TraceIds.KAFKA_HEADER, TraceIds.toHeader(traceId));
        }
        return record;
    }

    @Override
    public void close() {
        try {
            tokenProducer.close(Duration.ofSeconds(5));
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
