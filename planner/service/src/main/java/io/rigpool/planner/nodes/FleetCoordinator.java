package io.rigpool.planner.nodes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.planner.PlannerConfig;
import io.rigpool.planner.catalogue.ModelCataloguePublisher;
import io.rigpool.planner.demand.DemandTracker;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.models.MeasuredBuffersStore;
import io.rigpool.planner.models.Measurements;
import io.rigpool.planner.models.ModelCatalog;
import io.rigpool.planner.placement.BudgetHysteresis;
import io.rigpool.planner.placement.ChangeScope;
import io.rigpool.planner.placement.DemandAwareOptimiser;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.Placement;
import io.rigpool.planner.placement.PlacementProblem;
import io.rigpool.planner.placement.PlannedInstance;
import io.rigpool.planner.plan.AdminRuleStore;
import io.rigpool.planner.plan.AdminRules;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.Welcome;
import io.rigpool.proto.v1.WorkerHello;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * The planner's single point of change: every event (hello, heartbeat, runner event, disconnect, demand, admin
 * action, the clock) is handled on one thread, in order, so the registry and the plan need no locks and each
 * decision sees a consistent fleet. Readers get an immutable snapshot published after each change. An event on
 * one node re-plans that node only (the others may just gain runners); demand shifts and a periodic round may
 * improve any node, within the optimiser's thresholds.
 */
@ApplicationScoped
public class FleetCoordinator {

    private static final Logger LOG = Logger.getLogger(FleetCoordinator.class);

    private final PlannerConfig.Planner config;
    private final NodeStore store;
    private final AdminRuleStore ruleStore;
    private final MeasuredBuffersStore measuredStore;
    private final ModelCataloguePublisher catalogue;
    private final Clock clock = Clock.systemUTC();
    private final NodeRegistry registry = new NodeRegistry();
    private final FleetLoop loop = new FleetLoop();
    private final Measurements measurements = new Measurements();
    private final ModelCatalog catalog;
    private final NodeBudgets budgets;
    private final VramUsages vramUsages;
    private final PlanningRound round;
    private final Rollouts rollouts;
    private final DemandTracker demandTracker;
    private final DemandAwareOptimiser optimiser = new DemandAwareOptimiser();
    private final RunnerFeedback feedback;
    private final SpeedFeedback speeds;
    private final Map<String, Instant> failures = new HashMap<>();
    private final RunnerCrashCounter crashes;
    private final PlanningRounds rounds = new PlanningRounds();
    private final List<Runnable> outbox = new ArrayList<>();
    private final NodeCredentialStore credentialStore;
    private final boolean perNodeCredentials;
    private final NodeEnrolment enrolment = new NodeEnrolment();
    private AdminRules rules = new AdminRules();
    private Map<String, DemandTracker.Demand> demand = Map.of();
    private Placement placement = new Placement(List.of(), Map.of(), 0, 0, 0, List.of());
    private String lastTrigger = "none yet";
    private Instant lastPlannedAt;
    private Instant lastFleetRound = Instant.EPOCH;
    private long planVersion;
    private volatile FleetSnapshot snapshot = FleetSnapshot.EMPTY;

    FleetCoordinator(PlannerConfig config, NodeStore store, AdminRuleStore ruleStore,
            MeasuredBuffersStore measuredStore, LayerCapStore capStore, NodeCredentialStore credentialStore,
            ModelCataloguePublisher catalogue) {
        this.config = config.planner();
        this.credentialStore = credentialStore;
        this.perNodeCredentials = this.config.nodeCredentials() == PlannerConfig.NodeCredentials.PER_NODE;
        this.store = store;
        this.ruleStore = ruleStore;
        this.measuredStore = measuredStore;
        this.catalogue = catalogue;
        this.catalog = new ModelCatalog(EstimatorSettings.defaults().withGpuRuntimeBytes(
                this.config.runners().gpuRuntime().asLongValue()), measurements);
        this.budgets = new NodeBudgets(this.config, catalog);
        this.vramUsages = new VramUsages(catalog, budgets);
        this.round = new PlanningRound(this.config, catalog);
        this.rollouts = new Rollouts(this.config.replanning().drainTimeout());
        this.feedback = new RunnerFeedback(measurements, measuredStore, capStore, clock,
                this.config.replanning().failureBackoff());
        this.speeds = new SpeedFeedback(catalog, budgets);
        this.crashes = new RunnerCrashCounter(this.config.replanning().crashesBeforeBackoff(),
                this.config.replanning().failureBackoff());
        PlannerConfig.Demand d = this.config.demand();
        this.demandTracker = new DemandTracker(d.tokensPerJob(), d.backlogDrain(), d.smoothing());
    }

    void start(@Observes @Priority(10) StartupEvent event) {
        loop.execute(null, "reading the planner's state", () -> {
            try {
                store.markAllLost();
                planVersion = store.lastPlanVersion();
                rules = ruleStore.load();
                measuredStore.all().forEach(measurements::record);
                feedback.restore();
                enrolment.load(credentialStore.all());
            } catch (SQLException e) {
                LOG.warnf("could not read the planner's state: %s", e.getMessage());
            }
        });
        loop.every(1, "clock tick", this::tick);
    }

    void stop(@Observes ShutdownEvent event) {
        loop.stop();
    }

    public FleetSnapshot snapshot() {
        return snapshot;
    }

    /** Counts and times of the planning rounds, for the metrics. */
    public PlanningRounds rounds() {
        return rounds;
    }

    /** Fleet-loop tasks that threw (logged and survived), for the metrics and the fuzz test. */
    public long failedLoopTasks() {
        return FleetLoop.failedTasks();
    }

    NodeEnrolment enrolment() {
        return enrolment;
    }

    NodeCredentialStore credentialStore() {
        return credentialStore;
    }

    /** Runs an action on the fleet loop (admin changes); the future fails with the action's exception. */
    <T> CompletableFuture<T> submit(Callable<T> action) {
        return loop.submit(action);
    }

    private void onLoop(String nodeId, String what, Runnable task) {
        loop.execute(nodeId, what, task);
    }

    /**
     * A worker said hello (a new node, or a known one reconnecting). While another stream holds the node id, only a
     * hello with that session's secret may take it over ({@link NodeSecrets}); others are refused. With per-node
     * credentials ({@link NodeEnrolment}) a node id that has one answers only to a hello carrying it.
     */
    public void connected(WorkerHello hello, NodeSession session) {
        onLoop(hello.getNodeId(), "hello", () -> {
            Optional<String> refusal = perNodeCredentials ? enrolment.refusal(hello) : Optional.empty();
            if (refusal.isEmpty()) {
                refusal = registry.refusal(hello, session);
            }
            if (refusal.isPresent()) {
                LOG.warnf("refused a hello for node %s: %s", hello.getNodeId(), refusal.get());
                session.refuse(refusal.get());
                return;
            }
            NodeRegistry.Admitted admitted = registry.admit(hello, session, id -> new Node(id, vramHysteresis(),
                    ramHysteresis()));
            Node node = admitted.node();
            Optional<NodeEnrolment.Enrolled> enrolled = perNodeCredentials ? enrolment.enrolIfNew(node.nodeId)
                    : Optional.empty();
            enrolled.ifPresent(e -> Persist.quietly(() -> credentialStore.save(node.nodeId, e.digest(),
                    clock.instant())));
            boolean wasLost = node.state == NodeState.LOST;
            WorkerHello before = node.hello;
            node.hello = hello;
            feedback.hello(node, before);
            speeds.hello(node);
            node.lastHeartbeat = null;
            node.state = NodeState.READY;
            node.lastSeen = clock.instant();
            if (wasLost) {
                node.assignments = List.of();
                node.target = List.of();
            }
            observeBudgets(node);
            Persist.quietly(() -> store.saveNode(node));
            session.send(PlannerMessage.newBuilder().setWelcome(Welcome.newBuilder().setNodeId(node.nodeId)
                    .setHeartbeatIntervalMs((int) config.heartbeatInterval().toMillis())
                    .setNodeSecret(admitted.secret())
                    .setNodeCredential(enrolled.map(NodeEnrolment.Enrolled::credential).orElse(""))).build());
            LOG.infof("node %s connected: %d GPU(s), %d model(s)", node.nodeId, hello.getGpusCount(),
                    hello.getModelsCount());
            node.resend = true;
            replan("node " + node.nodeId + " connected", ChangeScope.only(Set.of(node.nodeId)));
        });
    }

    /** A heartbeat: live VRAM, owner's switches, runners; measurements only of runners the node was assigned. */
    public void heartbeat(String nodeId, Heartbeat heartbeat, NodeSession session) {
        onLoop(nodeId, "heartbeat", () -> {
            Node node = registry.get(nodeId);
            if (node == null || node.session != session) {
                return;
            }
            boolean wasPaused = node.paused();
            node.lastHeartbeat = heartbeat;
            node.lastSeen = clock.instant();
            String news = null;
            for (LoadedModel l : heartbeat.getLoadedList()) {
                if (!node.assigned(l.getModelId())) {
                    continue;
                }
                String reported = feedback.report(node, l.getModelId(), l.getLoadReport());
                news = news == null ? reported : news;
            }
            boolean firstSpeed = speeds.heartbeat(node);
            news = news == null && firstSpeed ? "a runner measured its decode speed" : news;
            boolean failed = feedback.failures(node, failures);
            boolean budgetChanged = observeBudgets(node);
            if (failed || budgetChanged || news != null || wasPaused != node.paused()) {
                String why = failed ? "a load failed" : budgetChanged ? "its free memory changed"
                        : news != null ? news : node.paused() ? "its owner paused serving"
                        : "its owner resumed serving";
                replan("node " + nodeId + ": " + why, ChangeScope.only(Set.of(nodeId)));
            } else if (!node.drainingSince.isEmpty()) {
                send(node, false);
            }
            publishSnapshot();
        });
    }

    /** A runner loaded (its report measures the buffers) or crashed (not planned there again for a while). */
    public void runnerEvent(String nodeId, RunnerEvent event, NodeSession session) {
        onLoop(nodeId, "runner event", () -> {
            Node node = registry.get(nodeId);
            if (node == null || node.session != session) {
                return;
            }
            if (!node.assigned(event.getModelId())) {
                LOG.debugf("node %s: ignored a runner event of %s, which it was not assigned", nodeId,
                        event.getModelId());
                return;
            }
            if (event.hasLoaded()) {
                String news = feedback.report(node, event.getModelId(), event.getLoaded());
                if (news != null) {
                    observeBudgets(node);
                    replan("node " + nodeId + ": " + news, ChangeScope.only(Set.of(nodeId)));
                }
            } else if (event.hasCrashed()) {
                String pair = PlacementProblem.pairKey(nodeId, event.getModelId());
                if (crashes.crashed(pair, clock.instant())) {
                    failures.put(pair, clock.instant().plus(config.replanning().failureBackoff()));
                    replan("node " + nodeId + ": runner of " + event.getModelId() + " crashed "
                            + config.replanning().crashesBeforeBackoff() + " times ("
                            + event.getCrashed().getReason() + ")", ChangeScope.only(Set.of(nodeId)));
                } else {
                    LOG.warnf("node %s: runner of %s crashed (%s, %d job(s) handed back); the worker restarts it",
                            nodeId, event.getModelId(), event.getCrashed().getReason(),
                            event.getCrashed().getJobsInFlight());
                }
            }
        });
    }

    /** The stream of a node ended; the node keeps its assignments until it is lost or comes back. */
    public void disconnected(String nodeId, NodeSession session) {
        onLoop(nodeId, "disconnect", () -> {
            Node node = registry.get(nodeId);
            if (node == null || node.session != session) {
                return;
            }
            node.session = null;
            node.state = NodeState.DISCONNECTED;
            Persist.quietly(() -> store.saveState(nodeId, node.state, node.lastSeen));
            LOG.infof("node %s disconnected", nodeId);
            publishSnapshot();
        });
    }

    /** New offsets of the job topics; a clear shift in demand re-plans the whole fleet. */
    public void demandObserved(List<DemandTracker.Reading> readings) {
        onLoop(null, "demand reading", () -> {
            Map<String, DemandTracker.Demand> before = demand;
            demand = demandTracker.update(readings);
            if (DemandShift.significant(before, demand, config.demand().changeThreshold(),
                    config.replanning().minGainTps())) {
                replan("demand changed", ChangeScope.everywhere());
            } else {
                publishSnapshot();
            }
        });
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            List<String> lost = new ArrayList<>();
            for (Node node : registry.markLost(now, config.nodeLostAfter())) {
                lost.add(node.nodeId);
                Persist.quietly(() -> store.saveState(node.nodeId, NodeState.LOST, node.lastSeen));
            }
            failures.values().removeIf(until -> until.isBefore(now));
            List<String> forgotten = registry.forget(now, config.forgetAfter());
            for (String nodeId : forgotten) {
                Persist.quietly(() -> store.deleteNode(nodeId));
            }
            if (!forgotten.isEmpty()) {
                LOG.infof("forgot node(s) gone over %s: %s", config.forgetAfter(), forgotten);
            }
            if (!lost.isEmpty()) {
                LOG.infof("node(s) lost: %s", lost);
                replan("lost " + String.join(", ", lost), ChangeScope.only(Set.of()));
            } else if (lastFleetRound.plus(config.replanning().interval()).isBefore(now)) {
                replan("periodic round", ChangeScope.everywhere());
            } else {
                registry.all().stream().filter(n -> n.session != null && !n.drainingSince.isEmpty())
                        .forEach(n -> send(n, false));
                publishSnapshot();
            }
            catalogue.publish(CatalogueEntries.of(registry.all(), clock.millis()));
        } catch (RuntimeException e) {
            LOG.error("fleet tick failed", e);
        }
    }

    /** Plans again and tells each live node its assignments where they changed. */
    private void replan(String trigger, ChangeScope scope) {
        Instant now = clock.instant();
        if (scope.all()) {
            lastFleetRound = now;
        }
        long started = System.nanoTime();
        try {
            placement = optimiser.place(round.problem(registry.all(), rules, demand, failures, scope, now));
        } catch (RuntimeException e) {
            rounds.record(System.nanoTime() - started, false, true);
            LOG.errorf(e, "planning failed (%s); the plan in force stays", trigger);
            publishSnapshot();
            return;
        }
        boolean changed = false;
        for (Node node : registry.all()) {
            if (!node.live()) {
                continue;
            }
            List<Instance> target = placement.on(node.nodeId).stream()
                    .map(PlannedInstance::instance).toList();
            if (!target.equals(node.target)) {
                changed = true;
                for (Instance i : target) {
                    if (!node.target.contains(i)) {
                        node.targetSince.put(i.modelId(), now);
                    }
                }
                node.target = target;
            }
        }
        rounds.record(System.nanoTime() - started, changed, false);
        if (changed) {
            planVersion++;
            lastTrigger = trigger;
            lastPlannedAt = now;
            long version = planVersion;
            Map<String, List<Assignment>> plan = new TreeMap<>();
            registry.all().stream().filter(Node::live).forEach(n -> plan.put(n.nodeId, PlanRecords.assignments(
                    placement, n.nodeId)));
            String details = PlanRecords.details(placement);
            Persist.quietly(() -> store.savePlan(version, trigger, plan, details));
            LOG.infof("plan %d (%s): %s", version, trigger, PlanRecords.describe(placement));
        }
        for (Node node : registry.all()) {
            if (node.session != null) {
                send(node, false);
            }
        }
        catalogue.publish(CatalogueEntries.of(registry.all(), clock.millis()));
        publishSnapshot();
    }

    /** Sends the node its assignments for now when they differ from what it was told (or it just said hello). */
    private void send(Node node, boolean always) {
        Map<String, PlannedInstance> reasons = new HashMap<>();
        placement.on(node.nodeId).forEach(p -> reasons.put(p.modelId(), p));
        List<Assignment> now = rollouts.step(node, reasons, clock.instant());
        if (always || node.resend || !Rollouts.same(now, node.assignments)) {
            node.assignments = now;
            node.resend = false;
            if (node.session != null) {
                NodeSession session = node.session;
                PlannerMessage message = PlannerMessage.newBuilder().setAssignments(Rollouts.message(now,
                        planVersion, rules.drained(node.nodeId))).build();
                outbox.add(() -> session.send(message));
            }
        }
    }

    /** Feeds the node's current reading to its smoothing; true when the budgets plans use changed. */
    private boolean observeBudgets(Node node) {
        NodeBudgets.Reading reading = budgets.read(node, rules);
        node.budgetNote = reading.note();
        long vram = node.vramBudget.effective();
        long ram = node.ramBudget.effective();
        Instant now = clock.instant();
        return node.vramBudget.observe(reading.vram(), now) != vram | node.ramBudget.observe(reading.ram(), now) != ram;
    }

    private BudgetHysteresis.Settings vramHysteresis() {
        return new BudgetHysteresis.Settings(config.replanning().vramTolerance().asLongValue(),
                config.replanning().riseDwell());
    }

    private BudgetHysteresis.Settings ramHysteresis() {
        return new BudgetHysteresis.Settings(2 * config.replanning().vramTolerance().asLongValue(),
                config.replanning().riseDwell());
    }

    /** Publishes the snapshot, then sends what the event decided: a node never hears of a plan readers cannot see. */
    private void publishSnapshot() {
        snapshot = FleetSnapshot.of(registry.all(), planVersion, PlanViews.of(planVersion, lastPlannedAt, lastTrigger,
                placement, registry.all(), rules, demand, budgets), PlanningRound.knownModels(registry.all()),
                vramUsages, speeds, rules);
        List<Runnable> messages = new ArrayList<>(outbox);
        outbox.clear();
        // One node's failed send must not keep the others' messages back.
        messages.forEach(send -> FleetLoop.guarded(null, "a message to a node", send));
    }

    // ---- admin actions (called through AdminActions on the fleet loop) ----

    AdminRules rules() {
        return rules;
    }

    Node node(String nodeId) {
        return registry.get(nodeId);
    }

    Map<String, LocalModel> knownModels() {
        return PlanningRound.knownModels(registry.all());
    }

    void adminChanged(String trigger, ChangeScope scope, Node affected) {
        if (affected != null && affected.hello != null) {
            observeBudgets(affected);
        }
        replan(trigger, scope);
    }

    AdminRuleStore ruleStore() {
        return ruleStore;
    }
}
