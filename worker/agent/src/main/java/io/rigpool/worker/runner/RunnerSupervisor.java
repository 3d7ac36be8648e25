package io.rigpool.worker.runner;

import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.RunnerCrash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Keeps the runner processes in line with the planner's latest assignment set: a listed model runs with exactly the
 * listed offload, context and slots; anything else is ended. Loads and unloads happen on the caller's thread, one
 * at a time, unloads first so that their memory is free before the next load.
 */
public final class RunnerSupervisor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RunnerSupervisor.class);
    private static final int CRASH_LOG_LINES = 20;

    /** What the job side is told about runners coming and going. */
    public interface Listener {

        /** The model's runner is loaded and serving: start taking its jobs. */
        void started(RunnerProcess runner);

        /** The model is going away (unassigned, reassigned or crashed): stop taking its jobs. Returns when stopped. */
        void stopping(String modelId);

        /** A runner ended without being asked to. */
        void crashed(String modelId, RunnerCrash crash);
    }

    private final RunnerLauncher launcher;
    private final Listener listener;
    private final Duration stopGrace;
    private final Map<String, Supervised> models = new ConcurrentHashMap<>();
    private Long appliedPlanVersion;

    public RunnerSupervisor(RunnerLauncher launcher, Listener listener, Duration stopGrace) {
        this.launcher = launcher;
        this.listener = listener;
        this.stopGrace = stopGrace;
    }

    /**
     * Makes the running set match the assignments. A model that failed (to load, or later) is tried again only
     * when the plan version changed: the planner re-sends an unchanged plan on every reconnect, and deciding on a
     * reload is the planner's call.
     *
     * @param modelPaths where each model id's file is on this PC; a model it does not know is reported failed
     */
    public synchronized void apply(long planVersion, List<Assignment> assignments,
            Function<String, Optional<Path>> modelPaths) throws InterruptedException {
        boolean samePlan = appliedPlanVersion != null && appliedPlanVersion == planVersion;
        appliedPlanVersion = planVersion;
        Map<String, Supervised> wanted = new LinkedHashMap<>();
        for (Assignment a : assignments) {
            Optional<Path> path = modelPaths.apply(a.getModelId());
            if (path.isEmpty()) {
                wanted.put(a.getModelId(), Supervised.failed(a, "model '" + a.getModelId()
                        + "' is not in this worker's model directory"));
                continue;
            }
            try {
                wanted.put(a.getModelId(), Supervised.loading(RunnerSpec.of(a, path.get())));
            } catch (IllegalArgumentException e) {
                wanted.put(a.getModelId(), Supervised.failed(a, e.getMessage()));
            }
        }
        for (Supervised current : List.copyOf(models.values())) {
            Supervised next = wanted.get(current.modelId);
            boolean sameSpec = next != null && next.spec != null && next.spec.equals(current.spec);
            boolean keep = sameSpec && (current.state == LoadState.LOAD_STATE_READY
                    || (current.state == LoadState.LOAD_STATE_FAILED && samePlan));
            if (keep) {
                wanted.remove(current.modelId);
            } else {
                unload(current);
            }
        }
        for (Supervised next : wanted.values()) {
            models.put(next.modelId, next);
            if (next.state == LoadState.LOAD_STATE_LOADING) {
                load(next);
            } else {
                LOG.warnf("cannot load %s: %s", next.modelId, next.error);
            }
        }
    }

    /** The models as the planner should see them now. */
    public List<LoadedModel> status() {
        List<LoadedModel> loaded = new ArrayList<>();
        for (Supervised s : models.values()) {
            loaded.add(s.describe());
        }
        return loaded;
    }

    /** The running runner of a model, if it is ready. */
    public Optional<RunnerProcess> runner(String modelId) {
        Supervised s = models.get(modelId);
        return s == null || s.state != LoadState.LOAD_STATE_READY ? Optional.empty() : Optional.ofNullable(s.runner);
    }

    /** Ends every runner. */
    @Override
    public synchronized void close() throws InterruptedException {
        for (Supervised s : List.copyOf(models.values())) {
            unload(s);
        }
    }

    private void load(Supervised entry) throws InterruptedException {
        try {
            RunnerProcess runner = launcher.start(entry.spec);
            entry.ready(runner);
            LOG.infof("loaded %s in %d ms (%s)", entry.modelId, runner.loadReport().getLoadMs(), runner);
            runner.onExit().thenRun(() -> exited(entry, runner));
            listener.started(runner);
        } catch (RunnerStartException e) {
            entry.fail(e.getMessage());
            LOG.errorf("could not load %s: %s", entry.modelId, e.getMessage());
        }
    }

    private void unload(Supervised entry) throws InterruptedException {
        models.remove(entry.modelId, entry);
        RunnerProcess runner = entry.runner;
        entry.unloading();
        if (runner == null) {
            return;
        }
        // Jobs first: a job must not be started on a runner that is about to end.
        listener.stopping(entry.modelId);
        runner.stop(stopGrace);
        LOG.infof("unloaded %s (pid %d ended)", entry.modelId, runner.pid());
    }

    private void exited(Supervised entry, RunnerProcess runner) {
        if (!entry.crashedWhileReady(runner)) {
            return;
        }
        RunnerCrash crash = RunnerCrash.newBuilder()
                .setExitCode(runner.exitCode())
                .setReason("runner of " + entry.modelId + " exited with code " + runner.exitCode())
                .addAllLastLogLines(runner.lastOutputLines(CRASH_LOG_LINES))
                .build();
        LOG.errorf("%s; last output:%n%s", crash.getReason(), String.join("\n", crash.getLastLogLinesList()));
        listener.stopping(entry.modelId);
        listener.crashed(entry.modelId, crash);
    }

    /** One model's place in the supervisor. Its state changes are guarded by the object's own lock. */
    private static final class Supervised {

        final String modelId;
        final RunnerSpec spec;
        final Assignment unusable;
        volatile LoadState state;
        volatile RunnerProcess runner;
        volatile String error = "";

        private Supervised(String modelId, RunnerSpec spec, Assignment unusable, LoadState state) {
            this.modelId = modelId;
            this.spec = spec;
            this.unusable = unusable;
            this.state = state;
        }

        static Supervised loading(RunnerSpec spec) {
            return new Supervised(spec.modelId(), spec, null, LoadState.LOAD_STATE_LOADING);
        }

        static Supervised failed(Assignment assignment, String error) {
            Supervised s = new Supervised(assignment.getModelId(), null, assignment, LoadState.LOAD_STATE_FAILED);
            s.error = error;
            return s;
        }

        synchronized void ready(RunnerProcess started) {
            runner = started;
            state = LoadState.LOAD_STATE_READY;
        }

        synchronized void fail(String reason) {
            error = reason;
            state = LoadState.LOAD_STATE_FAILED;
        }

        synchronized void unloading() {
            state = LoadState.LOAD_STATE_UNLOADED;
        }

        /** True when this runner ended on its own while it was serving; marks the model failed. */
        synchronized boolean crashedWhileReady(RunnerProcess ended) {
            if (state != LoadState.LOAD_STATE_READY || runner != ended) {
                return false;
            }
            state = LoadState.LOAD_STATE_FAILED;
            error = "runner exited with code " + ended.exitCode();
            return true;
        }

        LoadedModel describe() {
            LoadedModel.Builder b = LoadedModel.newBuilder().setModelId(modelId).setState(state).setError(error);
            if (spec != null) {
                b.setSlotsTotal(spec.slots()).setNGpuLayers(spec.gpuLayers()).setNCtx(spec.ctxSize());
            } else {
                b.setNGpuLayers(unusable.getNGpuLayers()).setNCtx(unusable.getNCtx());
            }
            RunnerProcess r = runner;
            if (r != null) {
                b.setLoadReport(r.loadReport());
            }
            return b.build();
        }
    }
}
