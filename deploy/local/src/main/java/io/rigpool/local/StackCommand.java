package io.rigpool.local;

import io.rigpool.common.files.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The command line of {@code bin/rigpool-local}: what it takes, and the {@link StackOptions} it makes of it. */
@Command(name = "rigpool-local", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Starts PostgreSQL, Kafka, the planner, the gateway and the workers on this machine.")
final class StackCommand implements Callable<StackOptions> {

    @Spec
    CommandSpec spec;

    @Option(names = "--models", paramLabel = "DIR",
            description = "serve the GGUF models in DIR (default: a small generated demo model)")
    Path models;

    @Option(names = "--data", paramLabel = "DIR",
            description = "where PostgreSQL, Kafka and the logs keep their files (default: .rigpool-local)")
    Path data;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1", description = "workers to start (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--auth", description = "require API keys on the gateway (a bootstrap admin key is printed);"
            + " without it the gateway takes requests from this machine only, without keys")
    boolean auth;

    @Option(names = "--fresh", description = "start with empty PostgreSQL and Kafka")
    boolean fresh;

    @Option(names = "--gateway-port", paramLabel = "N", defaultValue = "8080",
            description = "the gateway's HTTP port (default: ${DEFAULT-VALUE})")
    int gatewayPort;

    @Option(names = "--planner-port", paramLabel = "N", defaultValue = "8081",
            description = "the planner's HTTP and gRPC port (default: ${DEFAULT-VALUE})")
    int plannerPort;

    @Option(names = "--worker-port", paramLabel = "N", defaultValue = "8082",
            description = "the first worker's HTTP port (default: ${DEFAULT-VALUE})")
    int workerPort;

    @Option(names = "--postgres-port", paramLabel = "N", defaultValue = "15432",
            description = "PostgreSQL's port (default: ${DEFAULT-VALUE})")
    int postgresPort;

    @Option(names = "--kafka-port", paramLabel = "N", defaultValue = "19092",
            description = "Kafka's port (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    /**
     * The options for these arguments; null after {@code --help} or {@code --version} (printed), and the process
     * ends with picocli's exit code (2, with the usage) when they are wrong.
     */
    static StackOptions parse(String... args) {
        CommandLine line = new CommandLine(new StackCommand());
        int exitCode = line.execute(args);
        StackOptions options = line.getExecutionResult();
        if (options == null) {
            System.exit(exitCode);
        }
        return options;
    }

    @Override
    public StackOptions call() {
        Path home = StackOptions.checkoutDir();
        Path dataDir = data == null ? home.resolve(".rigpool-local") : data.toAbsolutePath();
        Path modelDir = models == null ? null : models.toAbsolutePath();
        if (modelDir != null && !Files.isDirectory(modelDir)) {
            throw new ParameterException(spec.commandLine(), "--models: " + modelDir + " is not a directory");
        }
        if (workers < 1) {
            throw new ParameterException(spec.commandLine(), "--workers: at least 1, was " + workers);
        }
        if (fresh) {
            Directories.deleteRecursively(dataDir);
        }
        String token = System.getenv().getOrDefault("RIGPOOL_CLUSTER_TOKEN", StackOptions.randomKey("rp-cluster-"));
        String plannerKey = System.getenv().getOrDefault("RIGPOOL_PLANNER_ADMIN_KEY",
                StackOptions.randomKey("rp-planner-"));
        String gatewayKey = auth ? System.getenv().getOrDefault("RIGPOOL_GATEWAY_ADMIN_KEY",
                StackOptions.randomKey("rp-admin-")) : null;
        return new StackOptions(home, dataDir, modelDir, gatewayPort, plannerPort, workerPort, postgresPort,
                kafkaPort, workers, token, plannerKey, gatewayKey, false);
    }
}
