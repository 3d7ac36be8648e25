package io.rigpool.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.SecurityUtils;
import org.junit.jupiter.api.Test;

/** deploy/kafka/provision.sh is the generator's output, and grants each role exactly its policy. */
class KafkaAccessScriptTest {

    static final Path SCRIPT = RepositoryFiles.root().resolve("deploy/kafka/provision.sh");
    static final String USER = "someone";

    @Test
    void committedScriptIsTheGeneratorsOutput() throws Exception {
        assertEquals(KafkaAccessScript.render(), Files.readString(SCRIPT, StandardCharsets.UTF_8),
                "deploy/kafka/provision.sh is stale: regenerate it with io.rigpool.infra.KafkaAccessScript");
        assertTrue(Files.isExecutable(SCRIPT), "provision.sh must be executable");
    }

    /** Read back as kafka-acls.sh reads its arguments (Kafka's own operation parser), not with the generator's. */
    @Test
    void scriptGrantsEachRoleExactlyItsPolicy() throws Exception {
        Map<KafkaRole, Set<AclBinding>> granted = grantsIn(Files.readAllLines(SCRIPT, StandardCharsets.UTF_8));
        for (KafkaRole role : KafkaRole.values()) {
            assertEquals(Set.copyOf(KafkaAccessPolicy.bindings(role, USER)), granted.get(role), role.name());
        }
    }

    @Test
    void scriptIsValidBash() throws Exception {
        Process bash = new ProcessBuilder("bash", "-n", SCRIPT.toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.waitFor(), output);
    }

    private static Map<KafkaRole, Set<AclBinding>> grantsIn(List<String> lines) {
        Map<KafkaRole, Set<AclBinding>> granted = new EnumMap<>(KafkaRole.class);
        for (String line : lines) {
            if (!line.startsWith("allow \"$")) {
                continue;
            }
            List<String> words = List.of(line.split(" "));
            String variable = words.get(1).replace("\"", "");
            KafkaRole role = KafkaRole.valueOf(variable.substring(1, variable.indexOf("_user")).toUpperCase(Locale.ROOT));
            int separator = words.indexOf("--");
            ResourcePattern pattern = pattern(words.subList(2, separator));
            for (String operation : words.subList(separator + 1, words.size())) {
                granted.computeIfAbsent(role, r -> new HashSet<>()).add(new AclBinding(pattern,
                        new AccessControlEntry("User:" + USER, "*", SecurityUtils.operation(operation),
                                AclPermissionType.ALLOW)));
            }
        }
        return granted;
    }

    private static ResourcePattern pattern(List<String> arguments) {
        List<String> args = new ArrayList<>(arguments);
        PatternType type = PatternType.LITERAL;
        int typeAt = args.indexOf("--resource-pattern-type");
        if (typeAt >= 0) {
            // kafka-acls.sh reads the pattern type case-insensitively (jopt-simple's enum converter).
            type = PatternType.fromString(args.get(typeAt + 1).toUpperCase(Locale.ROOT));
            args.subList(typeAt, typeAt + 2).clear();
        }
        return switch (args.get(0)) {
            case "--topic" -> new ResourcePattern(ResourceType.TOPIC, args.get(1), type);
            case "--group" -> new ResourcePattern(ResourceType.GROUP, args.get(1), type);
            case "--cluster" -> new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", type);
            default -> throw new AssertionError("unexpected resource in provision.sh: " + arguments);
        };
    }
}
