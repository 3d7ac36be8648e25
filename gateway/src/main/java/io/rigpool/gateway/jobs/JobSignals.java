package io.rigpool.gateway.jobs;

import io.quarkus.runtime.ShutdownEvent;
import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobControl;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the gateway tells the rest of rigpool about cancelled jobs: a {@link JobControl} on {@code rigpool.control}
 * asks the worker running a job to stop it, and a CANCELLED {@link JobUpdate} on {@code rigpool.results} tells every
 * gateway instance (and their streams) that a queued job was cancelled. Both keyed by job id. Cancelling is rare,
 * so each send waits for Kafka's acknowledgement.
 */
@ApplicationScoped
public class JobSignals {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private Producer<String, byte[]> producer;

    /** Made on first use: most gateways never cancel anything. */
    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = createProducer();
        }
        return producer;
    }

    private Producer<String, byte[]> createProducer() {
        Map<String, Object> config = ProducerSettings.noLoss(kafkaConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "rigpool-gateway-signals");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
        return new KafkaProducer<>(config);
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** @throws SignalFailed when Kafka did not take it in time */
    public void requestCancel(UUID jobId) {
        send(Topics.CONTROL, jobId, JobControl.newBuilder().setJobId(jobId.toString()).setCancel(true).build()
                .toByteArray());
    }

    /** @throws SignalFailed when Kafka did not take it in time */
    public void reportCancelled(UUID jobId, String model, Instant at) {
        send(Topics.RESULTS, jobId, JobUpdate.newBuilder()
                .setJobId(jobId.toString())
                .setModel(model)
                .setState(JobState.JOB_STATE_CANCELLED)
                .setError("cancelled before a worker started it")
                .setAtMs(at.toEpochMilli())
                .build().toByteArray());
    }

    private void send(String topic, UUID jobId, byte[] value) {
        try {
            producer().send(new ProducerRecord<>(topic, jobId.toString(), value))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalFailed(topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new SignalFailed(topic, e);
        }
    }

    /** Kafka did not acknowledge a signal. */
    public static final class SignalFailed extends RuntimeException {
        SignalFailed(String topic, Throwable cause) {
            super("Kafka did not take a message for " + topic + ": " + cause, cause);
        }
    }
}
