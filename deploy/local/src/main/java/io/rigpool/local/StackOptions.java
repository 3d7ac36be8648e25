package io.rigpool.local;

import io.rigpool.infra.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * How the local stack runs. The defaults are fixed ports, so a restart finds its data where it left it; tests use
 * {@link #forTest} with free ports and a throw-away directory.
 *
 * @param home the project checkout, where the packaged apps are
 * @param modelDir the worker's GGUF directory, or null for the generated demo model
 */
public record StackOptions(Path home, Path dataDir, Path modelDir, int gatewayPort, int plannerPort, int workerPort,
        int postgresPort, int kafkaPort, int workers, String clusterToken, String plannerAdminKey,
        String gatewayAdminKey, boolean deleteDataOnClose) {

    static final String USAGE = """
            usage: rigpool-local [--models DIR] [--data DIR] [--workers N] [--auth] [--gateway-port N]
                                 [--planner-port N] [--worker-port N] [--postgres-port N] [--kafka-port N] [--fresh]
              --models DIR   serve the GGUF models in DIR (default: a small generated demo model)
              --data DIR     where PostgreSQL, Kafka and the logs keep their files (default: .rigpool-local)
              --auth         require API keys on the gateway (a bootstrap admin key is printed); without it the
                             gateway takes requests from this machine only, without keys
              --fresh        start with empty PostgreSQL and Kafka""";

    public static StackOptions forTest(Path dataDir, int workers) {
        return new StackOptions(checkoutDir(), dataDir, null, FreePorts.find(), FreePorts.find(), FreePorts.find(),
                FreePorts.find(), FreePorts.find(), workers, "test-cluster-token", "test-planner-admin-key", null,
                false);
    }

    public StackOptions withModelDir(Path dir) {
        return new StackOptions(home, dataDir, dir, gatewayPort, plannerPort, workerPort, postgresPort, kafkaPort,
                workers, clusterToken, plannerAdminKey, gatewayAdminKey, deleteDataOnClose);
    }

    static StackOptions parse(String[] args) {
        Path home = checkoutDir();
        Path data = home.resolve(".rigpool-local");
        Path models = null;
        int gateway = 8080;
        int planner = 8081;
        int worker = 8082;
        int postgres = 15432;
        int kafka = 19092;
        int workers = 1;
        boolean fresh = false;
        boolean auth = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--models" -> models = Path.of(value(args, ++i, arg)).toAbsolutePath();
                case "--data" -> data = Path.of(value(args, ++i, arg)).toAbsolutePath();
                case "--workers" -> workers = number(args, ++i, arg);
                case "--gateway-port" -> gateway = number(args, ++i, arg);
                case "--planner-port" -> planner = number(args, ++i, arg);
                case "--worker-port" -> worker = number(args, ++i, arg);
                case "--postgres-port" -> postgres = number(args, ++i, arg);
                case "--kafka-port" -> kafka = number(args, ++i, arg);
                case "--fresh" -> fresh = true;
                case "--auth" -> auth = true;
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                default -> fail("unknown option " + arg);
            }
        }
        if (models != null && !Files.isDirectory(models)) {
            fail("--models: " + models + " is not a directory");
        }
        if (fresh) {
            deleteRecursively(data);
        }
        String token = System.getenv().getOrDefault("RIGPOOL_CLUSTER_TOKEN", randomKey("rp-cluster-"));
        String plannerKey = System.getenv().getOrDefault("RIGPOOL_PLANNER_ADMIN_KEY", randomKey("rp-planner-"));
        String gatewayKey = auth ? System.getenv().getOrDefault("RIGPOOL_GATEWAY_ADMIN_KEY", randomKey("rp-admin-"))
                : null;
        return new StackOptions(home, data, models, gateway, planner, worker, postgres, kafka, workers, token,
                plannerKey, gatewayKey, false);
    }

    /** A fresh secret per start: the local stack's services learn it from their command line. */
    static String randomKey(String prefix) {
        byte[] bytes = new byte[18];
        new java.security.SecureRandom().nextBytes(bytes);
        return prefix + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The checkout: -Drigpool.home, else the working directory. */
    static Path checkoutDir() {
        return Path.of(System.getProperty("rigpool.home", ".")).toAbsolutePath().normalize();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            fail(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String[] args, int i, String option) {
        try {
            return Integer.parseInt(value(args, i, option));
        } catch (NumberFormatException e) {
            fail(option + " needs a number");
            return 0;
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.err.println(USAGE);
        System.exit(2);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
