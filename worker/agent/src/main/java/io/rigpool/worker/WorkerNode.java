package io.rigpool.worker;

import io.grpc.Channel;
import io.rigpool.proto.v1.AssignmentSet;
import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.Engine;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.WorkerMessage;
import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.worker.gpu.GpuDiscovery;
import io.rigpool.worker.gpu.GpuMonitor;
import io.rigpool.worker.jobs.ControlListener;
import io.rigpool.worker.jobs.JobConsumers;
import io.rigpool.worker.jobs.JobExecution;
import io.rigpool.worker.jobs.JobQueueSettings;
import io.rigpool.worker.jobs.PoisonLimits;
import io.rigpool.worker.jobs.ResultPublisher;
import io.rigpool.worker.jobs.RunningJobs;
import io.rigpool.worker.models.LocalModelFile;
import io.rigpool.worker.owner.OwnerControls;
import io.rigpool.worker.planner.NodeCredential;
import io.rigpool.worker.planner.PlannerLink;
import io.rigpool.worker.planner.WorkerReport;
import io.rigpool.worker.runner.RestartPolicy;
import io.rigpool.worker.runner.RunnerLauncher;
import io.rigpool.worker.runner.RunnerSupervisor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One worker, wired: the planner stream feeds assignment sets to the runner supervision, which starts and ends
 * runners and, with them, the job consumers; the GPU monitor and the owner's controls tell the planner at once when
 * the PC's situation changes. Plain Java; the Quarkus bean around it only supplies configuration.
 */
public final class WorkerNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkerNode.class);
    private static final Duration PAUSE_FILE_CHECK = Duration.ofSeconds(1);

    /** Everything a worker is made of, already resolved from configuration. */
    public record Setup(String nodeId, String hostname, String clusterToken, String version,
            List<LocalModelFile> models, GpuDiscovery gpus, double cpuBandwidthGbps, Backend backend,
            List<Engine> engines, RunnerLauncher launcher, Map<String, Object> kafka, WorkerConfig config) {
    }

    private final Setup setup;
    private final ResultPublisher publisher;
    private final JobConsumers jobs;
    private final ControlListener control;
    private final RunningJobs running;
    private final RunnerSupervisor supervisor;
    private final GpuMonitor gpus;
    private final OwnerControls owner;
    private final PlannerLink planner;
    /** One thread applies plans, restarts, pauses and resumes, in order: loads take seconds and must not overlap. */
    private final ScheduledExecutorService runnerControl;
    private final ScheduledExecutorService plannerThread;
    /** Token flushes, VRAM polls and the pause-file check: short tasks only. */
    private final ScheduledExecutorService timers;
    private volatile boolean closing;

    public WorkerNode(Setup setup, Channel plannerChannel) {
        this.setup = setup;
        WorkerConfig config = setup.config();
        Clock clock = Clock.systemUTC();
        this.timers = Executors.newScheduledThreadPool(1, r -> daemon(r, "worker-timers"));
        this.runnerControl = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "runner-control"));
        this.plannerThread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "planner-link"));
        this.publisher = new ResultPublisher(setup.kafka(), "rigpool-worker-" + setup.nodeId());
        this.running = new RunningJobs(config.jobs().cancelMemory(), clock);
        JobExecution execution = new JobExecution(new JobExecution.Reporting(setup.nodeId(), publisher,
                config.jobs().publishTimeout(), config.jobs().tokenFlushDelay(), config.jobs().runningReportDelay(),
                this::later),
                config.jobs().jobTimeout(), running, clock);
        this.jobs = new JobConsumers(setup.kafka(), setup.nodeId(), execution, config.jobs().pollTimeout(),
                new PoisonLimits(config.jobs().maxRunnerDeaths(), config.jobs().maxDeliveries()),
                new JobQueueSettings(config.jobs().recordLock()),
                config.jobs().drainTimeout(), new JobConsumers.RunnerEvents() {
                    @Override
                    public void loaded(String modelId, RunnerLoadReport report) {
                        sendRunnerEvent(RunnerEvent.newBuilder().setModelId(modelId).setLoaded(report).build());
                    }

                    @Override
                    public void crashed(String modelId, RunnerCrash crash) {
                        sendRunnerEvent(RunnerEvent.newBuilder().setModelId(modelId).setCrashed(crash).build());
                    }
                });
        this.control = new ControlListener(setup.kafka(), setup.nodeId(), running, config.jobs().cancelMemory());
        var runner = config.runner();
        this.supervisor = new RunnerSupervisor(setup.launcher(), jobs, runner.stopGrace(),
                new RestartPolicy(runner.restartMin(), runner.restartMax(), runner.maxRestarts(),
                        runner.stableAfter()),
                runnerControl, this::heartbeatNow);
        this.owner = new OwnerControls(ByteSizes.parse(config.owner().reserve()), config.owner().pauseFile());
        this.gpus = new GpuMonitor(setup.gpus(), ByteSizes.parse(config.vramChangeThreshold()),
                reason -> heartbeatNow());
        WorkerReport report = new WorkerReport(new WorkerReport.Identity(setup.nodeId(), setup.hostname(),
                setup.clusterToken(), setup.version(), setup.backend(), setup.cpuBandwidthGbps(), setup.engines()),
                gpus, setup.models(), supervisor::status,
                new WorkerReport.JobFigures(jobs::busySlots, jobs::decodeTps), owner);
        this.planner = new PlannerLink(plannerChannel, report::hello, report::heartbeat, this::applyLater,
                plannerThread, config.heartbeatInterval(), config.reconnectMin(), config.reconnectMax(),
                new NodeCredential(config.credentialFile()));
    }

    public void start() {
        LOG.infof("worker %s offers %d model(s) %s; GPUs from %s; CPU memory bandwidth %.1f GB/s",
                setup.nodeId(), setup.models().size(), setup.models().stream().map(LocalModelFile::modelId).toList(),
                setup.gpus().source(), setup.cpuBandwidthGbps());
        if (owner.state().paused()) {
            LOG.infof("starting paused (by %s): no model is loaded until the owner resumes", owner.state().pausedBy());
            runOnControl(supervisor::suspend);
        }
        owner.onChange(this::ownerChanged);
        gpus.start(timers, setup.config().vramPollInterval());
        timers.scheduleWithFixedDelay(owner::checkPauseFile, PAUSE_FILE_CHECK.toMillis(),
                PAUSE_FILE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        control.start();
        planner.start();
    }

    public RunnerSupervisor supervisor() {
        return supervisor;
    }

    public OwnerControls owner() {
        return owner;
    }

    public GpuMonitor gpus() {
        return gpus;
    }

    public JobConsumers jobs() {
        return jobs;
    }

    /** The jobs running here, and the cancels heard of. */
    public RunningJobs running() {
        return running;
    }

    /** True once cancels sent from now on reach this worker. */
    public boolean followingControl() {
        return control.following();
    }

    public boolean plannerConnected() {
        return planner.connected();
    }

    public Setup setup() {
        return setup;
    }

    /**
     * Token flushes and RUNNING reports; after shutdown began, a flush not scheduled any more leaves with the job's
     * last chunk, and a RUNNING just before the job's end.
     */
    private void later(Duration delay, Runnable task) {
        try {
            timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("timer task not scheduled: the worker is stopping");
        }
    }

    private void heartbeatNow() {
        if (!closing) {
            planner.heartbeatNow();
        }
    }

    private void applyLater(AssignmentSet set) {
        runOnControl(() -> supervisor.apply(set.getPlanVersion(), set.getAssignmentsList(), this::modelFile));
    }

    /**
     * The owner paused: tell the planner at once, stop taking jobs, let running ones finish (or hand them back
     * after the drain timeout), then end the runners. Resumed: load the latest plan again.
     */
    private void ownerChanged() {
        heartbeatNow();
        runOnControl(() -> {
            if (owner.state().paused()) {
                jobs.drainAll(setup.config().jobs().drainTimeout());
                supervisor.suspend();
            } else {
                supervisor.resume();
            }
            heartbeatNow();
        });
    }

    private interface ControlTask {
        void run() throws InterruptedException;
    }

    private void runOnControl(ControlTask task) {
        try {
            runnerControl.execute(() -> {
                try {
                    task.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "could not change the runners");
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("the worker is stopping; runner change dropped");
        }
    }

    private Optional<LocalModelFile> modelFile(String modelId) {
        return setup.models().stream().filter(m -> m.modelId().equals(modelId)).findFirst();
    }

    private void sendRunnerEvent(RunnerEvent event) {
        planner.send(WorkerMessage.newBuilder().setRunnerEvent(event).build());
        heartbeatNow();
    }

    /**
     * Stops as an owner or operator expects (SIGTERM): takes no more jobs, lets running ones finish within the
     * drain timeout and hands back the rest (no result, no commit: Kafka delivers them again), tells the planner it
     * leaves, ends every runner.
     */
    @Override
    public void close() {
        closing = true;
        owner.onChange(() -> { });
        runnerControl.shutdownNow();
        try {
            runnerControl.awaitTermination(setup.config().runner().stopGrace().toMillis(), TimeUnit.MILLISECONDS);
            jobs.drainAll(setup.config().jobs().drainTimeout());
            planner.close();
            supervisor.close();
            control.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gpus.close();
        timers.shutdownNow();
        plannerThread.shutdownNow();
        publisher.close();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
