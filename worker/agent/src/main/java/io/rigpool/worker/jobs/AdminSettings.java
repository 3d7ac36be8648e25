package io.rigpool.worker.jobs;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The part of the worker's Kafka settings an admin client takes (servers, security), so that it is not handed the
 * consumers' and producers' own settings, which it would log as unknown.
 */
final class AdminSettings {

    private AdminSettings() {
    }

    static Map<String, Object> from(Map<String, Object> kafka) {
        Map<String, Object> admin = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        return admin;
    }
}
