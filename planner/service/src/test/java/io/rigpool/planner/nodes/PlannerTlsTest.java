package io.rigpool.planner.nodes;

import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The planner with TLS on its one port, configured as a deployment would (TLS registry key store, insecure requests
 * disabled), and a worker-side client configured with the worker's own properties
 * ({@code quarkus.grpc.clients.planner.*}, trusting the planner's certificate). The certificate is made by keytool
 * when the test starts.
 */
@RigpoolQuarkusTest
@TestProfile(PlannerTlsTest.Tls.class)
class PlannerTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @GrpcClient("planner")
    Channel tlsChannel;

    @ConfigProperty(name = "rigpool.cluster-token")
    String token;

    @ConfigProperty(name = "quarkus.grpc.clients.planner.port")
    int tlsPort;

    @Test
    void aWorkerTrustingThePlannersCertificateConnectsOverTls() throws Exception {
        String node = "tls-node-" + UUID.randomUUID().toString().substring(0, 8);
        try (FakeWorker worker = new FakeWorker(tlsChannel)) {
            worker.send(FakeWorker.hello(node, token, 8 * GIB));
            await().atMost(WAIT).until(() -> worker.received.stream().anyMatch(m -> m.hasWelcome())
                    || worker.error != null);
            assertEquals(null, worker.error, "the TLS stream works");
            assertTrue(worker.received.stream().anyMatch(m -> m.hasWelcome()));
        }
    }

    @Test
    void aPlaintextClientIsRefused() throws Exception {
        try (FakeWorker plaintext = new FakeWorker(ManagedChannelBuilder.forAddress("localhost", tlsPort)
                .usePlaintext().build())) {
            plaintext.send(FakeWorker.hello("plain-" + UUID.randomUUID(), token, 8 * GIB));
            await().atMost(WAIT).until(() -> plaintext.error != null || !plaintext.received.isEmpty());
            assertTrue(plaintext.received.isEmpty(), "nothing comes back in the clear: " + plaintext.received);
            assertNotNull(plaintext.error);
            assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(plaintext.error).getCode(),
                    plaintext.error.toString());
        }
    }

    /** TLS on, the clear port off. */
    public static class Tls implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Certificate.class));
        }
    }

    /** A self-signed certificate for localhost, made by the JDK's keytool: a PKCS#12 key store and a PEM copy. */
    public static class Certificate implements QuarkusTestResourceLifecycleManager {

        private Path dir;

        @Override
        public Map<String, String> start() {
            try {
                dir = Files.createTempDirectory("rigpool-tls");
                Path keyStore = dir.resolve("planner.p12");
                Path pem = dir.resolve("planner.pem");
                String password = UUID.randomUUID().toString();
                keytool("-genkeypair", "-alias", "planner", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password);
                keytool("-exportcert", "-rfc", "-alias", "planner", "-keystore", keyStore.toString(),
                        "-storepass", password, "-file", pem.toString());
                String port = Integer.toString(freePort());
                return Map.of(
                        // The planner, as planner/README.md describes it.
                        "quarkus.tls.key-store.p12.path", keyStore.toString(),
                        "quarkus.tls.key-store.p12.password", password,
                        "quarkus.http.insecure-requests", "disabled",
                        // One port, as documented: with the clear listener off, TLS may take the HTTP port.
                        "quarkus.http.test-port", port,
                        "quarkus.http.test-ssl-port", port,
                        // A worker, as worker/README.md describes it.
                        "quarkus.grpc.clients.planner.host", "localhost",
                        "quarkus.grpc.clients.planner.port", port,
                        "quarkus.grpc.clients.planner.ssl.trust-store", pem.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A temp directory left behind.
            }
        }

        private static void keytool(String... args) throws IOException {
            List<String> command = new java.util.ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                String output = new String(process.getInputStream().readAllBytes());
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException("keytool " + args[0] + " failed: " + output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
