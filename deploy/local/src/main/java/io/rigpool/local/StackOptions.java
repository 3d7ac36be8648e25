package io.rigpool.local;

import io.rigpool.infra.FreePorts;
import java.nio.file.Path;

/**
 * How the local stack runs. The command line ({@link StackCommand}) gives fixed ports by default, so a restart finds
 * its data where it left it; tests use {@link #forTest} with free ports and a throw-away directory.
 *
 * @param home the project checkout, where the packaged apps are
 * @param modelDir the worker's GGUF directory, or null for the generated demo model
 */
public record StackOptions(Path home, Path dataDir, Path modelDir, int gatewayPort, int plannerPort, int workerPort,
        int postgresPort, int kafkaPort, int workers, String clusterToken, String plannerAdminKey,
        String gatewayAdminKey, boolean deleteDataOnClose) {

    public static StackOptions forTest(Path dataDir, int workers) {
        return new StackOptions(checkoutDir(), dataDir, null, FreePorts.find(), FreePorts.find(), FreePorts.find(),
                FreePorts.find(), FreePorts.find(), workers, "test-cluster-token", "test-planner-admin-key", null,
                false);
    }

    public StackOptions withModelDir(Path dir) {
        return new StackOptions(home, dataDir, dir, gatewayPort, plannerPort, workerPort, postgresPort, kafkaPort,
                workers, clusterToken, plannerAdminKey, gatewayAdminKey, deleteDataOnClose);
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
}
