package io.rigpool.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Starts the infrastructure the way this machine allows. {@code rigpool.infra} (system property) or
 * {@code RIGPOOL_INFRA} (environment) chooses: {@code containers}, {@code embedded}, or {@code auto} (the default:
 * containers when a Docker engine answers, embedded otherwise).
 */
public final class InfrastructureFactory {

    public static final String MODE_PROPERTY = "rigpool.infra";

    private InfrastructureFactory() {
    }

    /**
     * Options for the embedded path; ports 0 mean "pick free ones". {@code secureKafka}: the broker takes only
     * SASL/SCRAM clients and enforces {@link KafkaAccessPolicy}, with credentials kept in the data directory.
     */
    public record Options(Path dataDir, int postgresPort, int kafkaPort, int defaultPartitions, boolean secureKafka) {

        public Options(Path dataDir, int postgresPort, int kafkaPort, int defaultPartitions) {
            this(dataDir, postgresPort, kafkaPort, defaultPartitions, false);
        }

        public static Options temporary() {
            try {
                return new Options(Files.createTempDirectory("rigpool-infra"), 0, 0, 8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static Infrastructure start(Options options) {
        String mode = System.getProperty(MODE_PROPERTY, System.getenv().getOrDefault("RIGPOOL_INFRA", "auto"))
                .toLowerCase(Locale.ROOT);
        boolean containers = switch (mode) {
            case "containers" -> true;
            case "embedded" -> false;
            case "auto" -> dockerAvailable();
            default -> throw new IllegalArgumentException(MODE_PROPERTY + " must be auto, containers or embedded, not "
                    + mode);
        };
        if (containers) {
            if (options.secureKafka()) {
                System.err.println("rigpool-infra: the Kafka container runs without SASL; the embedded broker"
                        + " (-D" + MODE_PROPERTY + "=embedded) enforces the ACLs");
            }
            return new ContainerInfrastructure().start();
        }
        Optional<KafkaSecurity> security = Optional.empty();
        if (options.secureKafka()) {
            try {
                security = Optional.of(KafkaSecurity.loadOrCreate(options.dataDir().resolve("kafka-credentials")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new EmbeddedInfrastructure(options.dataDir(), options.postgresPort(), options.kafkaPort(),
                options.defaultPartitions(), security).start();
    }

    static boolean dockerAvailable() {
        // Without a socket or DOCKER_HOST there is nothing to ask; asking anyway logs a page of errors.
        if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))
                && !Files.exists(Path.of(System.getProperty("user.home"), ".docker/run/docker.sock"))
                && !Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
