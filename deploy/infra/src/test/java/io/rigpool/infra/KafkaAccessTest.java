package io.rigpool.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.common.topics.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACL matrix on the real KRaft broker, expected as the threat model says it in words (not derived from
 * KafkaAccessPolicy, so a wrong policy fails here): a worker reads jobs and control and writes only results and
 * tokens; the gateway writes jobs and control and reads results, tokens and the catalogue; the planner owns the
 * catalogue; a client without credentials, or with a wrong password, gets nothing.
 */
class KafkaAccessTest {

    static final String JOBS = Topics.jobs("access-model");
    static final List<String> TOPICS = List.of(JOBS, Topics.CONTROL, Topics.RESULTS, Topics.TOKENS, Topics.MODELS);

    @TempDir
    Path dir;

    @Test
    void eachRoleGetsOnlyWhatItNeedsAndStrangersNothing() throws Exception {
        KafkaSecurity security = KafkaSecurity.loadOrCreate(dir.resolve("credentials"));
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, 1,
                Optional.of(security)).start()) {
            KafkaAccessCheck check = new KafkaAccessCheck(broker.bootstrapServers());
            check.createTopics(security.adminSettings(), TOPICS);

            assertEquals(expected("worker", Map.of(
                    JOBS, "r", Topics.CONTROL, "r", Topics.RESULTS, "w", Topics.TOKENS, "w", Topics.MODELS, "")),
                    allowed(check.matrix("worker", security.clientSettings(KafkaRole.WORKER), TOPICS)));
            assertEquals(expected("gateway", Map.of(
                    JOBS, "w", Topics.CONTROL, "w", Topics.RESULTS, "r", Topics.TOKENS, "r", Topics.MODELS, "r")),
                    allowed(check.matrix("gateway", security.clientSettings(KafkaRole.GATEWAY), TOPICS)));
            assertEquals(expected("planner", Map.of(
                    JOBS, "", Topics.CONTROL, "", Topics.RESULTS, "", Topics.TOKENS, "", Topics.MODELS, "rw")),
                    allowed(check.matrix("planner", security.clientSettings(KafkaRole.PLANNER), TOPICS)));
            List<String> twoTopics = List.of(JOBS, Topics.RESULTS);
            assertEquals(expected("wrong password", Map.of(JOBS, "", Topics.RESULTS, "")),
                    allowed(check.matrix("wrong password", security.clientSettings(
                            KafkaRole.WORKER.defaultUser(), "not-the-password"), twoTopics)));
            assertEquals(expected("no credentials", Map.of(JOBS, "", Topics.RESULTS, "")),
                    allowed(check.matrix("no credentials", Map.of(), twoTopics)));

            // A restart keeps the users and the ACLs (they live in the cluster metadata).
            broker.stop();
            broker.start();
            assertEquals(List.of("worker " + Topics.RESULTS + " write: true", "worker " + Topics.RESULTS
                    + " read: false"), allowed(check.matrix("worker", security.clientSettings(KafkaRole.WORKER),
                            List.of(Topics.RESULTS))));
        }
    }

    private static List<String> expected(String client, Map<String, String> rights) {
        List<String> lines = new ArrayList<>();
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String topic : TOPICS) {
            if (rights.containsKey(topic)) {
                ordered.put(topic, rights.get(topic));
            }
        }
        ordered.forEach((topic, r) -> {
            lines.add(client + " " + topic + " write: " + r.contains("w"));
            lines.add(client + " " + topic + " read: " + r.contains("r"));
        });
        return lines;
    }

    private static List<String> allowed(List<KafkaAccessCheck.Cell> cells) {
        return cells.stream().map(c -> c.client() + " " + c.topic() + " " + c.operation() + ": " + c.allowed())
                .toList();
    }
}
