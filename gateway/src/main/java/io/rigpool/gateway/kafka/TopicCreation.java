package io.rigpool.gateway.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the topics the gateway reads if nobody has yet, so a reader never waits for a first writer, and a topic
 * that must be compacted is not auto-created plain by a first producer. Failing is not fatal: the reader waits
 * for the topic to appear.
 */
public final class TopicCreation {

    private static final Logger LOG = Logger.getLogger(TopicCreation.class);

    private TopicCreation() {
    }

    public static void createMissing(Map<String, Object> kafkaConfig, String clientId, List<NewTopic> topics) {
        Map<String, Object> adminConfig = new HashMap<>(kafkaConfig);
        adminConfig.put("client.id", clientId);
        try (Admin admin = Admin.create(adminConfig)) {
            var results = admin.createTopics(topics).values();
            for (NewTopic topic : topics) {
                try {
                    results.get(topic.name()).get(10, TimeUnit.SECONDS);
                    LOG.infof("created topic %s", topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warnf("could not create topic %s (%s); waiting for it", topic.name(),
                                e.getCause().toString());
                    }
                } catch (TimeoutException e) {
                    LOG.warnf("creating topic %s timed out; waiting for it", topic.name());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
