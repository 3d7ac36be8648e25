package io.rigpool.worker.runner;

import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.worker.models.LocalModelFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Keeps the runner processes in line with the planner's latest assignment set: a listed model runs with exactly the
 * listed offload, context and slots; anything else is ended. Loads and unloads happen one at a time, unloads first
 * so that their memory is free before the next load. A runner that crashes is started again by the
 * {@link RestartPolicy}; while the owner has paused serving, nothing runs and the latest plan waits.
 */
public final class RunnerSupervisor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RunnerSupervisor.class);
    private static final int CRASH_LOG_LINES = 20;

    /** What the job side is told about runners coming and going. */
    public interface Listener {

        /** The model's runner is loaded and serving: start taking its jobs. */
        void started(RunnerProcess runner);

        /**
         * The model is going away (unassigned, reassigned, paused or crashed): stop taking its jobs, let running
         * ones finish or hand them back. Returns when done, with the number of jobs handed back.
         */
        int stopping(String modelId);

        /** A runner ended without being asked to. */
        void crashed(String modelId, RunnerCrash crash);

    }

    /** The plan this supervisor follows, kept so that a pause can give way to it again. */
    private record Plan(long version, List<Assignment> assignments, Function<String, Optional<LocalModelFile>> models) {
    }

    private final RunnerLauncher launcher;
    private final Listener listener;
    private final Duration stopGrace;
    private final RestartPolicy restarts;
    private final ScheduledExecutorService scheduler;
    private final Runnable changed;
    private final Map<String, Supervised> models = new ConcurrentHashMap<>();
    private Plan plan;
    private Long appliedPlanVersion;
    private boolean suspended;
    private boolean closed;

    /**
     * @param scheduler runs restarts after their pause; a single thread that also applies plans keeps them in order
     * @param changed   told whenever a model's state changed, so that the planner can hear of it at once
     */
    public RunnerSupervisor(RunnerLauncher launcher, Listener listener, Duration stopGrace, RestartPolicy restarts,
            ScheduledExecutorService scheduler, Runnable changed) {
        this.launcher = launcher;
        this.listener = listener;
        this.stopGrace = stopGrace;
        this.restarts = restarts;
        this.scheduler = scheduler;
        this.changed = changed;
    }

    /**
     * Makes the running set match the assignments. A model that failed (to load, or crashed too often) is tried
     * again only when the plan version changed: the planner re-sends an unchanged plan on every reconnect, and
     * deciding on a reload is the planner's call.
     *
     * @param modelFiles the local file of each model id; a model this PC does not have is reported failed
     */
    public synchronized void apply(long planVersion, List<Assignment> assignments,
            Function<String, Optional<LocalModelFile>> modelFiles) throws InterruptedException {
        plan = new Plan(planVersion, List.copyOf(assignments), modelFiles);
        if (suspended || closed) {
            return;
        }
        boolean samePlan = appliedPlanVersion != null && appliedPlanVersion == planVersion;
        appliedPlanVersion = planVersion;
        Map<String, Supervised> wanted = new LinkedHashMap<>();
        Map<String, Boolean> drain = new LinkedHashMap<>();
        for (Assignment a : assignments) {
            drain.put(a.getModelId(), a.getDrain());
            Optional<LocalModelFile> file = modelFiles.apply(a.getModelId());
            if (file.isEmpty()) {
                wanted.put(a.getModelId(), Supervised.failed(a, "model '" + a.getModelId()
                        + "' is not in this worker's model directory"));
                continue;
            }
            try {
                wanted.put(a.getModelId(), Supervised.loading(RunnerSpec.of(a, file.get().path()),
                        file.get().loadSteps()));
            } catch (IllegalArgumentException e) {
                wanted.put(a.getModelId(), Supervised.failed(a, e.getMessage()));
            }
        }
        for (Supervised current : List.copyOf(models.values())) {
            Supervised next = wanted.get(current.modelId);
            boolean sameSpec = next != null && next.spec != null && next.spec.equals(current.spec);
            boolean serving = current.state == LoadState.LOAD_STATE_READY
                    || current.state == LoadState.LOAD_STATE_DRAINING;
            boolean keep = sameSpec && (serving
                    || ((current.state == LoadState.LOAD_STATE_FAILED || current.awaitingRestart) && samePlan));
            if (keep) {
                wanted.remove(current.modelId);
                if (serving) {
                    follow(current, drain.get(current.modelId));
                }
            } else {
                unload(current);
            }
        }
        // Draining is for a runner that serves: a model to drain that does not run here is not loaded for it.
        wanted.keySet().removeIf(drain::get);
        for (Supervised next : wanted.values()) {
            models.put(next.modelId, next);
            if (next.state == LoadState.LOAD_STATE_LOADING) {
                load(next);
            } else {
                LOG.warnf("cannot load %s: %s", next.modelId, next.error);
            }
        }
        changed.run();
    }

    /**
     * A serving runner follows its assignment's drain flag: draining finishes its running jobs and takes no new ones
     * (its consumer leaves the group, so the model's queue goes to the other workers) while the runner stays loaded
     * until the next plan removes or changes it; an assignment that stops draining takes jobs again.
     */
    private void follow(Supervised entry, boolean drain) throws InterruptedException {
        if (drain && entry.state == LoadState.LOAD_STATE_READY) {
            entry.draining();
            changed.run();
            int handedBack = listener.stopping(entry.modelId);
            LOG.infof("drained %s as planned (%d job(s) handed back); the runner stays loaded for now",
                    entry.modelId, handedBack);
        } else if (!drain && entry.state == LoadState.LOAD_STATE_DRAINING && entry.runner != null
                && entry.runner.isAlive()) {
            entry.ready(entry.runner);
            listener.started(entry.runner);
            LOG.infof("%s takes jobs again", entry.modelId);
        }
    }

    /** The owner paused serving: every runner ends (their jobs drained first); the plan waits for resume(). */
    public synchronized void suspend() throws InterruptedException {
        if (suspended) {
            return;
        }
        suspended = true;
        for (Supervised s : List.copyOf(models.values())) {
            unload(s);
        }
        changed.run();
    }

    /** Serving again: the latest plan is applied afresh, failed models included. */
    public synchronized void resume() throws InterruptedException {
        if (!suspended) {
            return;
        }
        suspended = false;
        appliedPlanVersion = null;
        if (plan != null) {
            apply(plan.version(), plan.assignments(), plan.models());
        }
    }

    /** The models as the planner should see them now (without the job side's figures). */
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

    /** Ends every runner; nothing is started again. */
    @Override
    public synchronized void close() throws InterruptedException {
        closed = true;
        for (Supervised s : List.copyOf(models.values())) {
            unload(s);
        }
    }

    private void load(Supervised entry) throws InterruptedException {
        entry.loading();
        try {
            RunnerProcess runner = launcher.start(entry.spec, entry.loadSteps, fraction -> entry.progress = fraction);
            entry.ready(runner);
            LOG.infof("loaded %s in %d ms (%s): %s", entry.modelId, runner.loadReport().getLoadMs(), runner,
                    LoadReports.offload(runner.loadReport()));
            runner.loadReport().getWarningsList().forEach(w -> LOG.warnf("%s: %s", entry.modelId, w));
            runner.onExit().thenRun(() -> exited(entry, runner));
            listener.started(runner);
        } catch (RunnerStartException e) {
            entry.fail(e.getMessage());
            LOG.errorf("could not load %s: %s", entry.modelId, e.getMessage());
        }
        changed.run();
    }

    private void unload(Supervised entry) throws InterruptedException {
        entry.cancelRestart();
        RunnerProcess runner = entry.runner;
        if (runner != null && entry.state == LoadState.LOAD_STATE_READY) {
            // Jobs first: a job must not be started on a runner that is about to end.
            entry.draining();
            changed.run();
            listener.stopping(entry.modelId);
        }
        entry.unloading();
        models.remove(entry.modelId, entry);
        if (runner != null) {
            runner.stop(stopGrace);
            LOG.infof("unloaded %s (pid %d ended)", entry.modelId, runner.pid());
        }
    }

    private void exited(Supervised entry, RunnerProcess runner) {
        if (entry.endedWhileDrained(runner)) {
            // Its jobs were done and it was on its way out anyway: no restart, nothing handed back.
            models.remove(entry.modelId, entry);
            LOG.warnf("drained runner of %s exited with code %d", entry.modelId, runner.exitCode());
            changed.run();
            return;
        }
        if (!entry.crashedWhileReady(runner)) {
            return;
        }
        changed.run();
        // The jobs it was running fail at once (their streams broke) and are handed back, not reported.
        int handedBack = listener.stopping(entry.modelId);
        RunnerCrash crash = RunnerCrash.newBuilder()
                .setExitCode(runner.exitCode())
                .setReason("runner of " + entry.modelId + " exited with code " + runner.exitCode())
                .addAllLastLogLines(runner.lastOutputLines(CRASH_LOG_LINES))
                .setJobsInFlight(handedBack)
                .build();
        LOG.errorf("%s with %d job(s) in flight, handed back; last output:%n%s", crash.getReason(), handedBack,
                String.join("\n", crash.getLastLogLinesList()));
        listener.crashed(entry.modelId, crash);
        scheduleRestart(entry, runner);
    }

    private synchronized void scheduleRestart(Supervised entry, RunnerProcess crashed) {
        if (closed || suspended || models.get(entry.modelId) != entry) {
            return;
        }
        Duration ran = Duration.ofMillis(System.currentTimeMillis() - crashed.readyAtMs());
        entry.crashes = restarts.crashesInARow(entry.crashes, ran);
        Optional<Duration> wait = restarts.waitAfter(entry.crashes);
        if (wait.isEmpty()) {
            entry.fail("runner exited with code " + crashed.exitCode() + "; crashed " + entry.crashes
                    + " times in a row, not restarted until the planner sends a new plan");
            LOG.errorf("%s: %s", entry.modelId, entry.error);
            changed.run();
            return;
        }
        // On its way back: the planner sees LOADING, and the crash itself in the runner event.
        entry.awaitRestart("runner exited with code " + crashed.exitCode() + "; restarting in "
                + wait.get().toMillis() + " ms (crash " + entry.crashes + " in a row)");
        LOG.warnf("%s: %s", entry.modelId, entry.error);
        entry.restart = scheduler.schedule(() -> restart(entry), wait.get().toMillis(), TimeUnit.MILLISECONDS);
        changed.run();
    }

    private synchronized void restart(Supervised entry) {
        if (closed || suspended || models.get(entry.modelId) != entry || !entry.awaitingRestart) {
            return;
        }
        try {
            load(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One model's place in the supervisor. Its state changes are guarded by the object's own lock. */
    private static final class Supervised {

        final String modelId;
        final RunnerSpec spec;
        final int loadSteps;
        final Assignment unusable;
        volatile LoadState state;
        volatile RunnerProcess runner;
        volatile String error = "";
        volatile float progress;
        int crashes;
        volatile boolean awaitingRestart;
        ScheduledFuture<?> restart;

        private Supervised(String modelId, RunnerSpec spec, int loadSteps, Assignment unusable, LoadState state) {
            this.modelId = modelId;
            this.spec = spec;
            this.loadSteps = loadSteps;
            this.unusable = unusable;
            this.state = state;
        }

        static Supervised loading(RunnerSpec spec, int loadSteps) {
            return new Supervised(spec.modelId(), spec, loadSteps, null, LoadState.LOAD_STATE_LOADING);
        }

        static Supervised failed(Assignment assignment, String error) {
            Supervised s = new Supervised(assignment.getModelId(), null, 1, assignment, LoadState.LOAD_STATE_FAILED);
            s.error = error;
            return s;
        }

        synchronized void loading() {
            state = LoadState.LOAD_STATE_LOADING;
            progress = 0;
            runner = null;
            awaitingRestart = false;
        }

        synchronized void awaitRestart(String why) {
            state = LoadState.LOAD_STATE_LOADING;
            progress = 0;
            error = why;
            awaitingRestart = true;
        }

        synchronized void ready(RunnerProcess started) {
            runner = started;
            progress = 1;
            error = "";
            state = LoadState.LOAD_STATE_READY;
        }

        synchronized void fail(String reason) {
            error = reason;
            state = LoadState.LOAD_STATE_FAILED;
        }

        synchronized void draining() {
            state = LoadState.LOAD_STATE_DRAINING;
        }

        synchronized void unloading() {
            state = LoadState.LOAD_STATE_UNLOADED;
        }

        synchronized void cancelRestart() {
            awaitingRestart = false;
            if (restart != null) {
                restart.cancel(false);
                restart = null;
            }
        }

        synchronized boolean endedWhileDrained(RunnerProcess ended) {
            if (state != LoadState.LOAD_STATE_DRAINING || runner != ended) {
                return false;
            }
            state = LoadState.LOAD_STATE_UNLOADED;
            return true;
        }

        /**
         * True when this runner ended on its own while it was serving. The model is then on its way back (the
         * restart policy decides how soon, or gives up and marks it failed).
         */
        synchronized boolean crashedWhileReady(RunnerProcess ended) {
            if (state != LoadState.LOAD_STATE_READY || runner != ended) {
                return false;
            }
            state = LoadState.LOAD_STATE_LOADING;
            progress = 0;
            error = "runner exited with code " + ended.exitCode();
            return true;
        }

        LoadedModel describe() {
            LoadedModel.Builder b = LoadedModel.newBuilder().setModelId(modelId).setState(state).setError(error)
                    .setLoadProgress(progress);
            if (spec != null) {
                b.setSlotsTotal(spec.slots()).setNGpuLayers(spec.gpuLayers()).setNCtx(spec.ctxSize())
                        .setEngine(spec.engine().id()).setNCpuMoe(spec.nCpuMoe());
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
