package io.rigpool.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kafka/provision.sh run as an operator runs it, against the real secured KRaft broker: the users it creates
 * (named by RIGPOOL_KAFKA_*_USER, so not the broker's own defaults) log in with the passwords it was given. Its
 * kafka-configs.sh is Kafka's own ConfigCommand from the test class path; kafka-acls.sh (in kafka-tools, not on it)
 * only records its arguments, which {@link KafkaAccessScriptTest} checks against the policy.
 */
class ProvisionScriptRunTest {

    @TempDir
    Path dir;

    @Test
    void usersTheScriptCreatesCanLogIn() throws Exception {
        KafkaSecurity security = KafkaSecurity.generate();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, 1,
                Optional.of(security)).start()) {
            Path bin = Files.createDirectories(dir.resolve("bin"));
            shim(bin.resolve("kafka-configs.sh"), "exec \"" + javaBin() + "\" -cp \"$TEST_CLASS_PATH\""
                    + " kafka.admin.ConfigCommand \"$@\"");
            shim(bin.resolve("kafka-acls.sh"), "echo \"$@\" >> \"" + dir.resolve("acls.log") + "\"");

            Map<KafkaRole, String> users = new EnumMap<>(KafkaRole.class);
            Map<KafkaRole, String> passwords = KafkaSecurity.generate().passwords();
            ProcessBuilder run = new ProcessBuilder("bash", KafkaAccessScriptTest.SCRIPT.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("provision.log").toFile());
            Map<String, String> env = run.environment();
            env.put("TEST_CLASS_PATH", System.getProperty("java.class.path"));
            env.put("KAFKA_BIN", bin.toString());
            env.put("KAFKA_BOOTSTRAP", broker.bootstrapServers());
            env.put("KAFKA_ADMIN_PASSWORD", security.adminPassword());
            for (KafkaRole role : KafkaRole.values()) {
                users.put(role, "pc-" + role.name().toLowerCase(java.util.Locale.ROOT));
                env.put(KafkaAccessScript.userVariable(role), users.get(role));
                env.put(KafkaAccessScript.passwordVariable(role), passwords.get(role));
            }
            Process script = run.start();
            boolean ended = script.waitFor(4, TimeUnit.MINUTES);
            if (!ended) {
                script.destroyForcibly();
            }
            String log = Files.readString(dir.resolve("provision.log"), StandardCharsets.UTF_8);
            assertTrue(ended, "provision.sh did not end: " + log);
            assertEquals(0, script.exitValue(), log);

            for (KafkaRole role : KafkaRole.values()) {
                Map<String, Object> client = new HashMap<>(security.clientSettings(users.get(role),
                        passwords.get(role)));
                client.put("bootstrap.servers", broker.bootstrapServers());
                try (Admin admin = Admin.create(client)) {
                    admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
                }
            }
            List<String> acls = Files.readAllLines(dir.resolve("acls.log"));
            assertTrue(acls.stream().allMatch(l -> l.contains("--command-config")), "acls as the admin: " + acls);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void shim(Path file, String command) throws Exception {
        Files.writeString(file, "#!/usr/bin/env bash\n" + command + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }
}
