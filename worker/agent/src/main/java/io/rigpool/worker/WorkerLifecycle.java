package io.rigpool.worker;

import io.grpc.Channel;
import io.rigpool.proto.v1.Engine;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.hardware.MemoryBandwidth;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import io.rigpool.worker.backend.BackendSelection;
import io.rigpool.worker.backend.NativesFolder;
import io.rigpool.worker.backend.NvidiaDriver;
import io.rigpool.worker.backend.RunnerBackendProbe;
import io.rigpool.worker.engines.LlamaServerProbe;
import io.rigpool.worker.engines.WorkerEngines;
import io.rigpool.worker.gpu.GpuDiscovery;
import io.rigpool.worker.models.DemoModel;
import io.rigpool.worker.models.LocalModelFile;
import io.rigpool.worker.models.ModelDirectoryScanner;
import io.rigpool.worker.runner.RunnerCommand;
import io.rigpool.worker.runner.RunnerLauncher;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Quarkus adapter: builds the {@link WorkerNode} from configuration at startup and closes it at shutdown. */
@ApplicationScoped
public class WorkerLifecycle {

    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);
    /** Copying time of the memory bandwidth test at start; with the first touch of its buffers, under 0.5 s. */
    private static final long BANDWIDTH_TEST_MILLIS = 150;

    @Inject
    WorkerConfig config;

    @Inject
    ClusterConfig cluster;

    @GrpcClient("planner")
    Channel plannerChannel;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    private WorkerNode node;

    void onStart(@Observes StartupEvent event) throws IOException {
        ParentProcessWatch.startIfRequested();
        String hostname = hostname();
        GpuDiscovery gpus = new GpuDiscovery(config.nvidiaSmi(), config.gpus(), config.gpusFile());
        RunnerCommand command = runnerCommand();
        BackendSelection.Choice backend = chooseBackend(command, gpus);
        Optional<Engine> llamaServer = probeLlamaServer(command);
        Optional<Path> llamaServerBinary = llamaServer.filter(e -> e.getUnusableReason().isEmpty())
                .map(e -> Path.of(e.getSource()));
        WorkerNode.Setup setup = new WorkerNode.Setup(
                config.nodeId().orElse(hostname),
                hostname,
                cluster.clusterToken(),
                version,
                models(llamaServerBinary.isPresent()),
                gpus,
                config.cpuBandwidthGbps().orElseGet(() -> MemoryBandwidth.measureGbps(BANDWIDTH_TEST_MILLIS)),
                backend.backend(),
                WorkerEngines.of(backend.backend(), llamaServer),
                new RunnerLauncher(command.withNativeLibraryPath(backend.libraryPath()).withLlamaServer(
                        llamaServerBinary), config.runner().workDir(), config.runner().startTimeout()),
                kafka,
                config);
        node = new WorkerNode(setup, plannerChannel);
        node.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (node != null) {
            node.close();
        }
    }

    /** The running worker; null before startup finished. */
    public WorkerNode node() {
        return node;
    }

    private List<LocalModelFile> models(boolean llamaServer) throws IOException {
        Path dir = config.modelDir().orElse(null);
        if (dir == null) {
            dir = DemoModel.ensure(config.demoModelDir(), llamaServer);
            LOG.infof("demo mode: no rigpool.worker.model-dir set, serving the generated model in %s", dir);
        } else if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException("rigpool.worker.model-dir: " + dir + " is not a directory"));
        }
        return ModelDirectoryScanner.scan(dir);
    }

    /** The runners' command, still without a library folder: the backend probe chooses it. */
    private RunnerCommand runnerCommand() {
        var runner = config.runner();
        if (!Files.isRegularFile(runner.jar())) {
            throw new IllegalStateException("rigpool.worker.runner.jar: no runner jar at " + runner.jar()
                    + " (build worker/runner first)");
        }
        String java = runner.java().orElseGet(() -> ProcessHandle.current().info().command().orElse("java"));
        int threads = runner.threads().orElse(Runtime.getRuntime().availableProcessors());
        return new RunnerCommand(java, runner.jvmOptions(), runner.jar(), Optional.empty(), threads);
    }

    /**
     * A configured library folder is probed alone; otherwise every natives/cuda-N folder, newest first. Nothing is
     * taken on trust: a folder that does not prove itself leaves the node on the CPU, and the log says why.
     */
    private BackendSelection.Choice chooseBackend(RunnerCommand command, GpuDiscovery gpus) throws IOException {
        var runner = config.runner();
        Path nativesDir = runner.nativesDir().toAbsolutePath().normalize();
        List<NativesFolder> candidates = runner.nativeLibraryPath().map(p -> List.of(NativesFolder.configured(p)))
                .orElse(NativesFolder.under(nativesDir));
        String missing = "no CUDA natives: " + nativesDir + " has no cuda-N folder (deploy/natives/build-cuda.sh"
                + " builds one)";
        try {
            BackendSelection.Choice choice = BackendSelection.choose(candidates, gpus.discover().size(),
                    NvidiaDriver.query(config.nvidiaSmi()), missing,
                    new RunnerBackendProbe(command, runner.workDir(), runner.startTimeout()));
            for (var attempt : choice.backend().getAttemptsList()) {
                LOG.infof("llama.cpp library %s: %s", attempt.getLibrary(), attempt.getOutcome());
            }
            if (choice.backend().getGpuProven()) {
                LOG.infof("GPU offload proven with %s (llama.cpp %s, CUDA %s)", choice.backend().getLibrary(),
                        choice.backend().getLlamaCppBuild(), choice.backend().getCudaRuntime());
            } else {
                LOG.infof("runners use java-llama.cpp's bundled CPU library: %s", choice.backend().getCpuOnlyReason());
            }
            return choice;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing the llama.cpp libraries", e);
        }
    }

    /** The configured llama-server, proven by a probe load; reported with the reason when it failed. */
    private Optional<Engine> probeLlamaServer(RunnerCommand command) {
        Optional<Path> binary = config.llamaServer().binary();
        if (binary.isEmpty()) {
            return Optional.empty();
        }
        try {
            Engine engine = LlamaServerProbe.probe(binary.get().toAbsolutePath(), config.llamaServer().architectures(),
                    command, config.runner().workDir(), config.runner().startTimeout());
            if (!engine.getUnusableReason().isEmpty()) {
                LOG.warnf("llama-server %s is not offered: %s", binary.get(), engine.getUnusableReason());
            }
            return Optional.of(engine);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing llama-server", e);
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "worker");
        }
    }
}
