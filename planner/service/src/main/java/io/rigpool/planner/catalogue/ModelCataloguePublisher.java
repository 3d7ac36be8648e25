package io.rigpool.planner.catalogue;

import io.quarkus.runtime.ShutdownEvent;
import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.ModelCatalogEntry;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Keeps the compacted topic {@code rigpool.models} equal to the set of models the fleet can serve, so gateways know
 * them without calling the planner. Only changes are written; a write that failed (Kafka down) is retried on the
 * next call.
 */
@ApplicationScoped
public class ModelCataloguePublisher {

    private static final Logger LOG = Logger.getLogger(ModelCataloguePublisher.class);

    /** Quarkus's Kafka settings (kafka.*: bootstrap servers, and SASL credentials on a secured broker). */
    private final Map<String, Object> kafka;
    private final Map<String, ModelCatalogEntry> published = new HashMap<>();
    private KafkaProducer<String, byte[]> producer;
    private boolean topicReady;

    ModelCataloguePublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    /** Publishes what changed since the last call. Called from the fleet loop thread only. */
    public void publish(Map<String, ModelCatalogEntry> current) {
        if (!ensureTopic()) {
            return;
        }
        for (Map.Entry<String, ModelCatalogEntry> e : current.entrySet()) {
            ModelCatalogEntry before = published.get(e.getKey());
            if (before == null || !sameContent(before, e.getValue())) {
                send(e.getKey(), e.getValue());
            }
        }
        for (String gone : Set.copyOf(published.keySet())) {
            if (!current.containsKey(gone)) {
                send(gone, null);
            }
        }
    }

    private static boolean sameContent(ModelCatalogEntry a, ModelCatalogEntry b) {
        return a.toBuilder().clearUpdatedAtMs().build().equals(b.toBuilder().clearUpdatedAtMs().build());
    }

    private void send(String modelId, ModelCatalogEntry entry) {
        producer().send(new ProducerRecord<>(Topics.MODELS, modelId, entry == null ? null : entry.toByteArray()),
                (metadata, error) -> {
                    if (error != null) {
                        LOG.warnf("could not publish catalogue entry for %s: %s", modelId, error.getMessage());
                        synchronized (published) {
                            published.remove(modelId);
                        }
                    }
                });
        synchronized (published) {
            if (entry == null) {
                published.remove(modelId);
            } else {
                published.put(modelId, entry);
            }
        }
    }

    /** The topic must be compacted; if a consumer's metadata request auto-created it first, fix its policy. */
    private boolean ensureTopic() {
        if (topicReady) {
            return true;
        }
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put("request.timeout.ms", 5000);
        settings.put("default.api.timeout.ms", 5000);
        try (Admin admin = Admin.create(settings)) {
            try {
                admin.createTopics(List.of(new NewTopic(Topics.MODELS, 1, (short) 1).configs(
                        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODELS);
                // Usually the gateway created it first, compacted: use it as it is. Altering needs a right the
                // planner does not hold on a secured broker (ALTER_CONFIGS), so only a topic that really is not
                // compacted (auto-created by some client's metadata request) is altered.
                ConfigEntry policy = admin.describeConfigs(List.of(topic)).all().get(5, TimeUnit.SECONDS).get(topic)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG);
                if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                    admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                            AlterConfigOp.OpType.SET)))).all().get(5, TimeUnit.SECONDS);
                }
            }
            topicReady = true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Kafka not ready for the model catalogue yet: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return topicReady;
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> settings = ProducerSettings.noLoss(kafka);
            settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
            producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    void close(@Observes ShutdownEvent event) {
        KafkaProducer<String, byte[]> p;
        synchronized (this) {
            p = producer;
            producer = null;
        }
        if (p != null) {
            p.close(java.time.Duration.ofSeconds(2));
        }
    }
}
