package io.rigpool.worker;

import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import io.rigpool.worker.gpu.GpuDiscovery;
import io.rigpool.worker.gpu.MemoryBandwidth;
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
        WorkerNode.Setup setup = new WorkerNode.Setup(
                config.nodeId().orElse(hostname),
                hostname,
                cluster.clusterToken(),
                version,
                models(),
                new GpuDiscovery(config.nvidiaSmi(), config.gpus(), config.gpusFile()),
                config.cpuBandwidthGbps().orElseGet(() -> MemoryBandwidth.measureGbps(BANDWIDTH_TEST_MILLIS)),
                config.runner().nativeLibraryPath().isPresent(),
                launcher(),
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

    private List<LocalModelFile> models() throws IOException {
        Path dir = config.modelDir().orElse(null);
        if (dir == null) {
            dir = DemoModel.ensure(config.demoModelDir());
            LOG.infof("demo mode: no rigpool.worker.model-dir set, serving the generated model in %s", dir);
        } else if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException("rigpool.worker.model-dir: " + dir + " is not a directory"));
        }
        return ModelDirectoryScanner.scan(dir);
    }

    private RunnerLauncher launcher() {
        var runner = config.runner();
        if (!Files.isRegularFile(runner.jar())) {
            throw new IllegalStateException("rigpool.worker.runner.jar: no runner jar at " + runner.jar()
                    + " (build worker/runner first)");
        }
        String java = runner.java().orElseGet(() -> ProcessHandle.current().info().command().orElse("java"));
        int threads = runner.threads().orElse(Runtime.getRuntime().availableProcessors());
        RunnerCommand command = new RunnerCommand(java, runner.jvmOptions(), runner.jar(),
                runner.nativeLibraryPath(), threads);
        return new RunnerLauncher(command, runner.workDir(), runner.startTimeout());
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "worker");
        }
    }
}
