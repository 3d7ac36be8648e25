package io.rigpool.worker;

import io.grpc.Channel;
import io.rigpool.proto.v1.AssignmentSet;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.WorkerMessage;
import io.rigpool.worker.gpu.GpuDiscovery;
import io.rigpool.worker.jobs.JobConsumers;
import io.rigpool.worker.jobs.JobExecution;
import io.rigpool.worker.jobs.ResultPublisher;
import io.rigpool.worker.models.LocalModelFile;
import io.rigpool.worker.planner.Backoff;
import io.rigpool.worker.planner.PlannerLink;
import io.rigpool.worker.planner.WorkerReport;
import io.rigpool.worker.runner.RunnerLauncher;
import io.rigpool.worker.runner.RunnerSupervisor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One worker, wired: the planner stream feeds assignment sets to the runner supervision, which starts and ends
 * runners and, with them, the job consumers. Plain Java; the Quarkus bean around it only supplies configuration.
 */
public final class WorkerNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkerNode.class);

    /** Everything a worker is made of, already resolved from configuration. */
    public record Setup(String nodeId, String hostname, String clusterToken, String version,
            List<LocalModelFile> models, GpuDiscovery gpus, boolean gpuOffloadSupported, RunnerLauncher launcher,
            Map<String, Object> kafka, WorkerConfig config) {
    }

    private final Setup setup;
    private final ResultPublisher publisher;
    private final JobConsumers jobs;
    private final RunnerSupervisor supervisor;
    private final PlannerLink planner;
    private final ExecutorService assignments;
    private final ScheduledExecutorService scheduler;

    public WorkerNode(Setup setup, Channel plannerChannel) {
        this.setup = setup;
        WorkerConfig config = setup.config();
        this.publisher = new ResultPublisher(setup.kafka(), "rigpool-worker-" + setup.nodeId());
        JobExecution execution = new JobExecution(setup.nodeId(), publisher, config.jobs().jobTimeout(),
                config.jobs().publishTimeout(), Clock.systemUTC());
        this.jobs = new JobConsumers(setup.kafka(), setup.nodeId(), execution, config.jobs().pollTimeout(),
                config.runner().stopGrace(), this::reportCrash);
        this.supervisor = new RunnerSupervisor(setup.launcher(), jobs, config.runner().stopGrace());
        // One thread applies assignment sets, in the order they came: loads take seconds and must not overlap.
        this.assignments = Executors.newSingleThreadExecutor(r -> daemon(r, "assignments"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "planner-link"));
        WorkerReport report = new WorkerReport(setup.nodeId(), setup.hostname(), setup.clusterToken(),
                setup.version(), setup.gpuOffloadSupported(), setup.gpus(), setup.models(), supervisor::status,
                jobs::busySlots);
        this.planner = new PlannerLink(plannerChannel, report::hello, report::heartbeat, this::applyLater, scheduler,
                config.heartbeatInterval(), new Backoff(config.reconnectMin(), config.reconnectMax()));
    }

    public void start() {
        LOG.infof("worker %s offers %d model(s) %s; GPUs from %s", setup.nodeId(), setup.models().size(),
                setup.models().stream().map(LocalModelFile::modelId).toList(), setup.gpus().source());
        planner.start();
    }

    public RunnerSupervisor supervisor() {
        return supervisor;
    }

    public boolean plannerConnected() {
        return planner.connected();
    }

    public Setup setup() {
        return setup;
    }

    private void applyLater(AssignmentSet set) {
        assignments.execute(() -> {
            try {
                supervisor.apply(set.getPlanVersion(), set.getAssignmentsList(), this::modelPath);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.errorf(e, "could not apply plan %d", set.getPlanVersion());
            }
        });
    }

    private Optional<Path> modelPath(String modelId) {
        return setup.models().stream().filter(m -> m.modelId().equals(modelId)).map(LocalModelFile::path)
                .findFirst();
    }

    private void reportCrash(String modelId, RunnerCrash crash) {
        planner.send(WorkerMessage.newBuilder()
                .setRunnerEvent(RunnerEvent.newBuilder().setModelId(modelId).setCrashed(crash)).build());
    }

    /** Leaves the planner, stops taking jobs, ends every runner. */
    @Override
    public void close() {
        planner.close();
        assignments.shutdownNow();
        try {
            assignments.awaitTermination(setup.config().runner().stopGrace().toMillis(), TimeUnit.MILLISECONDS);
            supervisor.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        publisher.close();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
