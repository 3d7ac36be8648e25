package io.rigpool.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rigpool.common.files.Directories;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.local.deployment.DeploymentChecksReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The local stack of an end-to-end test class, registered as a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final LocalStackExtension STACK = LocalStackExtension.of(StackConfig.demo("one-worker", 1));
 * </pre>
 *
 * <p>Classes with equal {@link StackConfig}s share one running stack: it is started for the first of them, checked
 * healthy (every service ready, a model served) before each further one and after each one (a class that leaves it
 * unhealthy fails, and the stack is thrown away rather than handed on), and stopped at the end of the run by the
 * root context's store. One shared stack runs at a time: a class of another configuration stops the previous one
 * first (this machine runs one stack comfortably, not three), and {@link StackConfigOrderer} runs the classes of one
 * configuration one after the other. An {@linkplain StackConfig#exclusive() exclusive} stack (fault tests) is its
 * class's alone and stopped after it.
 *
 * <p>Every stack lives in a throw-away folder of its own, removed when it stops; its services' logs are copied to
 * {@code target/failsafe-reports/<name>-logs} first ({@code <name>-logs-2} for a second start), for whoever reads a
 * failure.
 */
final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            LocalStackExtension.class);
    private static final Duration MODELS_WITHIN = Duration.ofMinutes(3);
    private static final Duration READY_WITHIN = Duration.ofMinutes(1);

    private final StackConfig config;
    private Running running;

    private LocalStackExtension(StackConfig config) {
        this.config = config;
    }

    static LocalStackExtension of(StackConfig config) {
        return new LocalStackExtension(config);
    }

    StackConfig config() {
        return config;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Path llamaServer = config.llamaServer() ? LlamaServerForTests.binaryOrSkip() : null;
        Stacks stacks = context.getRoot().getStore(NAMESPACE).computeIfAbsent(Stacks.class, k -> new Stacks(),
                Stacks.class);
        String testClass = context.getRequiredTestClass().getSimpleName();
        if (config.exclusive()) {
            stacks.stopShared();
            running = Running.start(config, llamaServer);
            // Stopped when the class's context closes, after its @AfterAll methods.
            context.getStore(NAMESPACE).put(Running.class, running);
        } else {
            running = stacks.acquire(config, llamaServer, testClass);
        }
        stacks.ranWith(testClass, config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (running == null || config.exclusive()) {
            return;
        }
        Running used = running;
        running = null;
        String problem = used.problem();
        if (problem != null) {
            context.getRoot().getStore(NAMESPACE).get(Stacks.class, Stacks.class).discard(used);
            throw new AssertionError(context.getRequiredTestClass().getSimpleName() + " left the shared stack "
                    + config + " unhealthy, so it was stopped: " + problem);
        }
    }

    LocalStack stack() {
        return current().stack;
    }

    StackClient client() {
        return current().client;
    }

    /** The first model the gateway listed once the stack was up. */
    String model() {
        return current().models.get(0);
    }

    /** The stack's data folder (its services' state, runner folders, the demo model, logs). */
    Path dataDir() {
        return current().dataDir;
    }

    /** The model directory the stack's workers serve; null for the demo model. */
    Path modelDir() {
        return current().modelDir;
    }

    private Running current() {
        if (running == null) {
            throw new IllegalStateException("no stack outside the class's tests (register the extension as a static"
                    + " field)");
        }
        return running;
    }

    /** The run's stacks: the shared one now running, and what the run left in the temp folder at its end. */
    private static final class Stacks implements AutoCloseable {

        private final Set<String> tempBefore = TempFolder.rigpoolEntries();
        private final List<String> classes = new ArrayList<>();
        private Running shared;

        synchronized Running acquire(StackConfig config, Path llamaServer, String testClass) {
            if (shared != null && shared.config.equals(config)) {
                String problem = shared.problem();
                if (problem == null) {
                    System.out.println("[stack " + config.name() + "] reused by " + testClass);
                    return shared;
                }
                System.out.println("[stack " + config.name() + "] unhealthy, started afresh for " + testClass + ": "
                        + problem);
            }
            stopShared();
            shared = Running.start(config, llamaServer);
            return shared;
        }

        synchronized void stopShared() {
            if (shared != null) {
                Running stopping = shared;
                shared = null;
                stopping.close();
            }
        }

        synchronized void discard(Running stack) {
            if (shared == stack) {
                stopShared();
            }
        }

        synchronized void ranWith(String testClass, StackConfig config) {
            classes.add(testClass + " on " + config);
        }

        /** Stops the shared stack, then records what the run left under the temp folder (not asserted: other
         * processes on the machine may add entries meanwhile). */
        @Override
        public synchronized void close() {
            stopShared();
            ObjectNode left = DeploymentChecksReport.section();
            left.put("test", "deploy/local end-to-end tests");
            left.putPOJO("classes", List.copyOf(classes));
            left.put("temp_folder", TempFolder.ROOT.toString());
            ObjectNode entries = left.putObject("new_entries_bytes");
            new TreeSet<>(TempFolder.rigpoolEntries()).stream().filter(e -> !tempBefore.contains(e))
                    .forEach(e -> entries.put(e, TempFolder.bytes(e)));
            DeploymentChecksReport.record("temp_left_by_end_to_end_run", left);
        }
    }

    /** A started stack with its throw-away folder. */
    private static final class Running implements AutoCloseable {

        final StackConfig config;
        final Path root;
        final Path dataDir;
        final Path modelDir;
        final LocalStack stack;
        final StackClient client;
        final List<String> models;

        private Running(StackConfig config, Path root, Path modelDir, LocalStack stack, List<String> models) {
            this.config = config;
            this.root = root;
            this.dataDir = root.resolve("stack");
            this.modelDir = modelDir;
            this.stack = stack;
            this.client = new StackClient(stack);
            this.models = models;
        }

        static Running start(StackConfig config, Path llamaServer) {
            long began = System.nanoTime();
            System.out.println("[stack " + config.name() + "] starting " + config);
            Path root;
            Path modelDir = null;
            try {
                root = Files.createTempDirectory("local-stack-" + config.name() + "-");
                if (config.hasModelDir()) {
                    modelDir = Files.createDirectories(root.resolve("models"));
                    for (TinyChatModel.Spec spec : config.models()) {
                        TinyChatModel.write(modelDir.resolve(spec.name() + ".gguf"), spec);
                    }
                    if (config.modelFiles() != null) {
                        config.modelFiles().accept(modelDir);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            StackOptions options = StackOptions.forTest(root.resolve("stack"), config.workers());
            LocalStack stack = new LocalStack(modelDir == null ? options : options.withModelDir(modelDir))
                    .withWorkerSettings(config.workerSettings());
            if (llamaServer != null) {
                stack.withLlamaServer(llamaServer);
            }
            try {
                stack.start();
                List<String> models = stack.awaitModels(MODELS_WITHIN);
                System.out.printf("[stack %s] up in %.1f s%n", config.name(), (System.nanoTime() - began) / 1e9);
                return new Running(config, root, modelDir, stack, models);
            } catch (RuntimeException | Error e) {
                stop(config, stack, root);
                throw e;
            }
        }

        /** Null when every service is up and ready and the gateway lists a model; else what is wrong. */
        String problem() {
            List<ServiceProcess> services = new ArrayList<>(stack.workers());
            services.add(stack.planner());
            services.add(stack.gateway());
            try {
                for (ServiceProcess service : services) {
                    if (!service.alive()) {
                        return service.name() + " is not running";
                    }
                    service.awaitReady(READY_WITHIN);
                }
                stack.awaitModels(MODELS_WITHIN);
                return null;
            } catch (RuntimeException e) {
                return e.getMessage();
            }
        }

        @Override
        public void close() {
            stop(config, stack, root);
        }

        private static void stop(StackConfig config, LocalStack stack, Path root) {
            System.out.println("[stack " + config.name() + "] stopping");
            try {
                stack.close();
                // A configuration started again after a failure keeps both sets of logs: the first is the one to read.
                Path keep = Path.of("target/failsafe-reports/" + config.name() + "-logs");
                for (int again = 2; Files.exists(keep); again++) {
                    keep = Path.of("target/failsafe-reports/" + config.name() + "-logs-" + again);
                }
                Path logs = root.resolve("stack/logs");
                if (Files.isDirectory(logs)) {
                    Files.createDirectories(keep);
                    try (var files = Files.list(logs)) {
                        for (Path log : files.toList()) {
                            Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } catch (IOException e) {
                System.err.println("could not keep the logs of stack " + config.name() + ": " + e);
            } finally {
                Directories.deleteRecursively(root);
            }
        }
    }
}
