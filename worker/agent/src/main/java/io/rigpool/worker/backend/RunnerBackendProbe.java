package io.rigpool.worker.backend;

import io.grpc.StatusRuntimeException;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.worker.models.DemoModel;
import io.rigpool.worker.runner.RunnerCommand;
import io.rigpool.worker.runner.RunnerFiles;
import io.rigpool.worker.runner.RunnerLauncher;
import io.rigpool.worker.runner.RunnerProcess;
import io.rigpool.worker.runner.RunnerSpec;
import io.rigpool.worker.runner.RunnerStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The probe as a real runner process, started exactly as model runners are but with one folder's library: it loads
 * the generated tiny model with every layer on the GPU, generates one token (a library built for other GPU
 * architectures loads but fails at its first kernel), and ends.
 */
public final class RunnerBackendProbe implements BackendSelection.Probe {

    private static final Logger LOG = Logger.getLogger(RunnerBackendProbe.class);
    /** More layers than any model has: llama.cpp offloads all of them. */
    private static final int EVERY_LAYER = 999;
    private static final int PROBE_CONTEXT = 256;
    private static final Duration GENERATE_DEADLINE = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int OUTPUT_LINES = 200;

    private final RunnerCommand command;
    private final Path workDir;
    private final Duration startTimeout;
    /** @param command the runners' command; each probe replaces only its library path */
    public RunnerBackendProbe(RunnerCommand command, Path workDir, Duration startTimeout) {
        this.command = command;
        this.workDir = workDir;
        this.startTimeout = startTimeout;
    }

    @Override
    public ProbeOutcome run(NativesFolder folder) throws InterruptedException {
        LOG.infof("probing the llama.cpp library in %s", folder.label());
        Path probeModel;
        try {
            probeModel = probeModelIn(workDir);
        } catch (IOException e) {
            return ProbeOutcome.notStarted("could not write the probe model: " + e, List.of());
        }
        RunnerLauncher launcher = new RunnerLauncher(command.withNativeLibraryPath(Optional.of(folder.path())),
                workDir, startTimeout);
        RunnerSpec spec = new RunnerSpec("backend-probe", probeModel, EVERY_LAYER, PROBE_CONTEXT, 1);
        RunnerProcess runner;
        try {
            runner = launcher.start(spec);
        } catch (RunnerStartException e) {
            return ProbeOutcome.notStarted(e.getMessage(), e.getMessage().lines().toList());
        }
        try {
            Optional<String> generateFailure = generateOneToken(runner);
            List<String> output = RunnerFiles.lines(runner.files().output());
            if (generateFailure.isPresent()) {
                // The runner may have died on its first kernel: its output has the reason.
                runner.onExit().get(2, TimeUnit.SECONDS);
                output = RunnerFiles.lines(runner.files().output());
                generateFailure = Optional.of(generateFailure.get() + lastCudaError(output).map(e -> " (" + e + ")")
                        .orElse(""));
            }
            return ProbeOutcome.loaded(runner.loadReport(), generateFailure, tail(output));
        } catch (ExecutionException | TimeoutException e) {
            return ProbeOutcome.loaded(runner.loadReport(), Optional.of("the runner did not answer"),
                    tail(RunnerFiles.lines(runner.files().output())));
        } finally {
            runner.stop(STOP_GRACE);
        }
    }

    /** Generates one token; empty when it worked, else what went wrong. Any engine's runner answers it. */
    public static Optional<String> generateOneToken(RunnerProcess runner) {
        GenerateRequest request = GenerateRequest.newBuilder().setRequestId("backend-probe").setMaxTokens(1)
                .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Hi")).build();
        try {
            Iterator<GenerateEvent> events = runner.blocking()
                    .withDeadlineAfter(GENERATE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).generate(request);
            while (events.hasNext()) {
                if (events.next().hasFinished()) {
                    return Optional.empty();
                }
            }
            return Optional.of("the generation ended without finishing");
        } catch (StatusRuntimeException e) {
            return Optional.of("the generation failed: " + e.getStatus());
        }
    }

    private static Optional<String> lastCudaError(List<String> output) {
        return output.stream().map(String::strip).filter(line -> line.contains("CUDA error")).reduce((a, b) -> b);
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - OUTPUT_LINES), lines.size());
    }

    /** The generated demo model, which every llama.cpp build loads; it lives beside the runners' folders. */
    private static Path probeModelIn(Path workDir) throws IOException {
        Path dir = DemoModel.ensure(workDir.resolve("backend-probe-model"));
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".gguf")).findFirst()
                    .orElseThrow(() -> new IOException("no probe model written in " + dir));
        }
    }
}
