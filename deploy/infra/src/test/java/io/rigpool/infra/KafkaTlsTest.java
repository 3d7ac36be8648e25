package io.rigpool.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.common.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's client listener with TLS, made as compose makes it: deploy/kafka/make-tls.sh run under dash writes the
 * key store and the certificate, the real KRaft broker serves SASL_SSL with them, and the roles' ACLs hold over it.
 * A client that speaks no TLS, or does not trust the certificate, gets nothing.
 */
class KafkaTlsTest {

    static final Path SCRIPT = RepositoryFiles.root().resolve("deploy/kafka/make-tls.sh");
    static final String PASSWORD = "a-key-store-password-for-tests";

    @TempDir
    Path dir;

    @Test
    void theScriptWritesAKeyStoreOnceAndRefusesAWeakPassword() throws Exception {
        Path tls = dir.resolve("tls");
        assertEquals(2, makeTls(tls, "short").exitCode(), "a password under 16 characters is refused");
        assertTrue(!Files.exists(tls.resolve("kafka.p12")));

        Run first = makeTls(tls, PASSWORD, "rigpool-server.lan", "192.168.1.10");
        assertEquals(0, first.exitCode(), first.output());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                tls.resolve("kafka.p12"))), "only the broker's user reads its key");
        String pem = Files.readString(tls.resolve("kafka-ca.pem"));
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"), pem);
        byte[] keyStore = Files.readAllBytes(tls.resolve("kafka.p12"));

        Run second = makeTls(tls, PASSWORD, "rigpool-server.lan");
        assertEquals(0, second.exitCode(), second.output());
        assertTrue(second.output().contains("kept"), second.output());
        assertArrayEquals(keyStore, Files.readAllBytes(tls.resolve("kafka.p12")),
                "workers trust the first certificate: a second run must not replace it");
    }

    @Test
    void rolesWorkOverTlsAndClientsWithoutItAreRefused() throws Exception {
        Path folder = dir.resolve("tls");
        Run made = makeTls(folder, PASSWORD, "localhost", "127.0.0.1");
        assertEquals(0, made.exitCode(), made.output());
        KafkaSecurity security = KafkaSecurity.generate().withTls(KafkaTls.inFolder(folder, PASSWORD));
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, 1,
                Optional.of(security)).start()) {
            String jobs = Topics.jobs("tls-model");
            KafkaAccessCheck check = new KafkaAccessCheck(broker.bootstrapServers());
            check.createTopics(security.adminSettings(), List.of(jobs, Topics.RESULTS, Topics.MODELS));
            assertEquals("SASL_SSL", security.clientSettings(KafkaRole.WORKER).get("security.protocol"));
            assertEquals(List.of(
                    jobs + " write: false", jobs + " read: true",
                    Topics.RESULTS + " write: true", Topics.RESULTS + " read: false",
                    Topics.MODELS + " write: false", Topics.MODELS + " read: false"),
                    check.matrix("worker", security.clientSettings(KafkaRole.WORKER),
                            List.of(jobs, Topics.RESULTS, Topics.MODELS)).stream()
                            .map(c -> c.topic() + " " + c.operation() + ": " + c.allowed()).toList());

            // The right password without TLS: the broker reads the SASL handshake as a bad TLS record and drops the
            // connection, so the client never gets an answer (a timeout).
            Map<String, String> plain = new HashMap<>(security.clientSettings(KafkaRole.WORKER));
            plain.put("security.protocol", "SASL_PLAINTEXT");
            plain.keySet().removeIf(k -> k.startsWith("ssl."));
            Exception plainRefused = assertThrows(Exception.class, () -> describe(broker, plain));

            // TLS, but trusting only the JVM's public CAs: the broker's certificate is refused in the handshake.
            Map<String, String> untrusting = new HashMap<>(security.clientSettings(KafkaRole.WORKER));
            untrusting.keySet().removeIf(k -> k.startsWith("ssl."));
            ExecutionException refused = assertThrows(ExecutionException.class, () -> describe(broker, untrusting));
            assertTrue(refused.getCause() instanceof SslAuthenticationException, refused.toString());

            record(Map.of("listener", security.protocol(),
                    "key", "deploy/kafka/make-tls.sh under dash: EC P-256, self-signed, SAN localhost and 127.0.0.1",
                    "worker_over_tls", "cluster id " + describe(broker, security.clientSettings(KafkaRole.WORKER))
                            + "; ACLs as designed (jobs read, results write, models nothing)",
                    "right_password_without_tls", "refused: " + (plainRefused.getCause() == null ? plainRefused
                            : plainRefused.getCause()).getClass().getSimpleName(),
                    "tls_without_the_certificate", "refused: " + refused.getCause().getClass().getSimpleName()));
        }
    }

    /**
     * What the bench's security report shows of TLS (bench/README.md, "security"): target/ on every run, the
     * committed file with {@code -Drigpool.kafka-tls=$PWD/bench/results/kafka-tls.json}.
     */
    private static void record(Map<String, String> outcomes) throws java.io.IOException {
        Path file = Path.of(System.getProperty("rigpool.kafka-tls", "target/kafka-tls.json"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValue(file.toFile(), new java.util.TreeMap<>(outcomes));
    }

    private static String describe(EmbeddedKafkaBroker broker, Map<String, String> settings) throws Exception {
        Map<String, Object> client = new HashMap<>(settings);
        client.put("bootstrap.servers", broker.bootstrapServers());
        client.put("request.timeout.ms", "5000");
        client.put("default.api.timeout.ms", "8000");
        try (Admin admin = Admin.create(client)) {
            return admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
        }
    }

    private record Run(int exitCode, String output) {
    }

    private Run makeTls(Path target, String password, String... hosts) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("dash", SCRIPT.toString(), target.toString()));
        command.addAll(List.of(hosts.length == 0 ? new String[] {"localhost"} : hosts));
        ProcessBuilder run = new ProcessBuilder(command).redirectErrorStream(true);
        run.environment().put("KAFKA_TLS_PASSWORD", password);
        // keytool from the JDK running the tests, as compose's Kafka image has it from its own runtime.
        run.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        Process process = run.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "make-tls.sh did not end: " + output);
        return new Run(process.exitValue(), output);
    }
}
