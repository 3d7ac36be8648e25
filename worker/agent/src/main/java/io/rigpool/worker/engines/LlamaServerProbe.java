package io.rigpool.worker.engines;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.common.engines.LlamaServerInstall;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.proto.v1.Engine;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.worker.backend.RunnerBackendProbe;
import io.rigpool.worker.models.DemoModel;
import io.rigpool.worker.runner.RunnerCommand;
import io.rigpool.worker.runner.RunnerLauncher;
import io.rigpool.worker.runner.RunnerProcess;
import io.rigpool.worker.runner.RunnerSpec;
import io.rigpool.worker.runner.RunnerStartException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Proves a llama-server binary before the worker offers it, as the backend probe proves a java-llama.cpp library:
 * its {@code --version}, then a runner of the llama-server engine loading a generated qwen3 model (an architecture
 * only a current llama.cpp knows) with every layer offloaded and generating one token. The backends it proved are
 * "cpu", and "cuda" when llama.cpp put every layer on a GPU it found.
 */
public final class LlamaServerProbe {

    private static final Logger LOG = Logger.getLogger(LlamaServerProbe.class);
    private static final int EVERY_LAYER = 999;
    private static final int PROBE_CONTEXT = 256;
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private LlamaServerProbe() {
    }

    /**
     * @param configuredArchitectures the owner's list, for a binary without {@code architectures.txt} beside it
     *     (an official release)
     */
    public static Engine probe(Path binary, Optional<List<String>> configuredArchitectures, RunnerCommand command,
            Path workDir, Duration startTimeout) throws InterruptedException {
        Engine.Builder engine = Engine.newBuilder().setKind(EngineKind.LLAMA_SERVER.id())
                .setSource(binary.toString());
        Optional<String> version = version(binary);
        if (version.isEmpty()) {
            return engine.setUnusableReason(binary + " --version did not answer: not a llama-server this worker"
                    + " can run").build();
        }
        engine.setLlamaCppBuild(version.get());
        Collection<String> architectures;
        try {
            architectures = configuredArchitectures.filter(list -> !list.isEmpty()).map(List::copyOf)
                    .map(list -> (Collection<String>) list).orElse(LlamaServerInstall.architectures(binary));
        } catch (IOException e) {
            architectures = Set.of();
        }
        if (architectures.isEmpty()) {
            return engine.setUnusableReason("no list of the architectures it loads: put architectures.txt beside"
                    + " it or set rigpool.worker.llama-server.architectures").build();
        }
        engine.addAllArchitectures(architectures.stream().sorted().toList());
        Path model;
        try {
            model = DemoModel.ensureModel(workDir.resolve("engine-probe-model"), TinyChatModel.Spec.qwen3());
        } catch (IOException e) {
            return engine.setUnusableReason("could not write the probe model: " + e).build();
        }
        RunnerLauncher launcher = new RunnerLauncher(command.withLlamaServer(Optional.of(binary)), workDir,
                startTimeout);
        RunnerSpec spec = new RunnerSpec("llama-server-probe", model, EVERY_LAYER, PROBE_CONTEXT, 1,
                EngineKind.LLAMA_SERVER, 0);
        RunnerProcess runner;
        try {
            runner = launcher.start(spec);
        } catch (RunnerStartException e) {
            return engine.setUnusableReason("the probe load failed: " + e.getMessage()).build();
        }
        try {
            Optional<String> failure = RunnerBackendProbe.generateOneToken(runner);
            if (failure.isPresent()) {
                return engine.setUnusableReason("the probe load did not generate: " + failure.get()).build();
            }
            engine.addBackends("cpu");
            RunnerLoadReport report = runner.loadReport();
            if (report.getDevicesCount() > 0 && report.getLayersTotal() > 0
                    && report.getLayersOffloaded() == report.getLayersTotal()) {
                engine.addBackends("cuda");
            }
            LOG.infof("llama-server %s (%s) proven: backends %s, %d architectures", binary, version.get(),
                    engine.getBackendsList(), architectures.size());
            return engine.build();
        } finally {
            runner.stop(STOP_GRACE);
        }
    }

    /** Its build, as {@code --version} says it. */
    static Optional<String> version(Path binary) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            if (!process.waitFor(VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return LlamaServerInstall.versionIn(output);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
