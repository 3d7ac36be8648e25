package io.rigpool.planner.nodes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.planner.PlannerConfig;
import io.rigpool.planner.catalogue.ModelCataloguePublisher;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.AssignmentSet;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.ModelCatalogEntry;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.Welcome;
import io.rigpool.proto.v1.WorkerHello;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The planner's single point of change: every event (hello, heartbeat, disconnect, the clock) is handled on one
 * thread, in order, so the registry and the plan need no locks and each decision sees a consistent fleet. Readers
 * get an immutable snapshot published after each change.
 */
@ApplicationScoped
public class FleetCoordinator {

    private static final Logger LOG = Logger.getLogger(FleetCoordinator.class);

    private final PlannerConfig config;
    private final NodeStore store;
    private final ModelCataloguePublisher catalogue;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Node> nodes = new TreeMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-loop");
        t.setDaemon(true);
        return t;
    });
    private long planVersion;
    private volatile FleetSnapshot snapshot = FleetSnapshot.EMPTY;

    FleetCoordinator(PlannerConfig config, NodeStore store, ModelCataloguePublisher catalogue) {
        this.config = config;
        this.store = store;
        this.catalogue = catalogue;
    }

    void start(@Observes @Priority(10) StartupEvent event) {
        loop.execute(() -> {
            try {
                store.markAllLost();
                planVersion = store.lastPlanVersion();
            } catch (SQLException e) {
                LOG.warnf("could not read the plan history: %s", e.getMessage());
            }
        });
        loop.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        loop.shutdownNow();
    }

    public FleetSnapshot snapshot() {
        return snapshot;
    }

    /** A worker said hello (a new node, or a known one reconnecting). */
    public void connected(WorkerHello hello, NodeSession session) {
        loop.execute(() -> {
            Node node = nodes.computeIfAbsent(hello.getNodeId(), Node::new);
            if (node.session != null && node.session != session) {
                node.session.close();
            }
            boolean wasLost = node.state == NodeState.LOST;
            node.hello = hello;
            node.lastHeartbeat = null;
            node.session = session;
            node.state = NodeState.READY;
            node.lastSeen = clock.instant();
            if (wasLost) {
                node.assignments = List.of();
            }
            persist(() -> store.saveNode(node));
            session.send(PlannerMessage.newBuilder().setWelcome(Welcome.newBuilder().setNodeId(node.nodeId)
                    .setHeartbeatIntervalMs((int) config.planner().heartbeatInterval().toMillis())).build());
            LOG.infof("node %s connected: %d GPU(s), %d model(s)", node.nodeId, hello.getGpusCount(),
                    hello.getModelsCount());
            if (!replan("node " + node.nodeId + " connected").contains(node.nodeId)) {
                session.send(assignmentMessage(node));
            }
        });
    }

    public void heartbeat(String nodeId, Heartbeat heartbeat, NodeSession session) {
        loop.execute(() -> {
            Node node = nodes.get(nodeId);
            if (node == null || node.session != session) {
                return;
            }
            node.lastHeartbeat = heartbeat;
            node.lastSeen = clock.instant();
            publishSnapshot();
        });
    }

    /** The stream of a node ended; the node keeps its assignments until it is lost or comes back. */
    public void disconnected(String nodeId, NodeSession session) {
        loop.execute(() -> {
            Node node = nodes.get(nodeId);
            if (node == null || node.session != session) {
                return;
            }
            node.session = null;
            node.state = NodeState.DISCONNECTED;
            persist(() -> store.saveState(nodeId, node.state, node.lastSeen));
            LOG.infof("node %s disconnected", nodeId);
            publishSnapshot();
        });
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            List<String> lost = new ArrayList<>();
            for (Node node : nodes.values()) {
                if (node.live() && node.lastSeen.plus(config.planner().nodeLostAfter()).isBefore(now)) {
                    node.state = NodeState.LOST;
                    node.assignments = List.of();
                    if (node.session != null) {
                        node.session.close();
                        node.session = null;
                    }
                    lost.add(node.nodeId);
                    persist(() -> store.saveState(node.nodeId, NodeState.LOST, node.lastSeen));
                }
            }
            if (!lost.isEmpty()) {
                LOG.infof("node(s) lost: %s", lost);
                replan("lost " + String.join(", ", lost));
            }
            catalogue.publish(catalogueEntries());
        } catch (RuntimeException e) {
            LOG.error("fleet tick failed", e);
        }
    }

    /** Plans again and sends each node whose assignments changed its new set; returns those nodes. */
    private List<String> replan(String trigger) {
        List<FirstFitOffloadRule.Capacity> capacities = new ArrayList<>();
        Map<String, List<Assignment>> current = new LinkedHashMap<>();
        for (Node node : nodes.values()) {
            if (!node.live()) {
                continue;
            }
            long free = node.gpus().stream().mapToLong(Gpu::getFreeBytes).sum()
                    - node.hello.getOwnerReserveBytes();
            boolean gpu = node.hello.getGpuOffloadSupported() && node.hello.getGpusCount() > 0;
            capacities.add(new FirstFitOffloadRule.Capacity(node.nodeId, free, gpu, node.hello.getModelsList()));
            current.put(node.nodeId, node.assignments);
        }
        Map<String, List<Assignment>> plan = new FirstFitOffloadRule(config.planner().defaultContext(),
                config.planner().defaultSlots()).place(capacities, current);
        List<String> changed = plan.entrySet().stream()
                .filter(e -> !e.getValue().equals(nodes.get(e.getKey()).assignments)).map(Map.Entry::getKey).toList();
        if (!changed.isEmpty()) {
            planVersion++;
            long version = planVersion;
            for (String nodeId : changed) {
                Node node = nodes.get(nodeId);
                node.assignments = List.copyOf(plan.get(nodeId));
                if (node.session != null) {
                    node.session.send(assignmentMessage(node));
                }
            }
            persist(() -> store.savePlan(version, trigger, plan));
            LOG.infof("plan %d (%s): %s", version, trigger, describe(plan));
        }
        catalogue.publish(catalogueEntries());
        publishSnapshot();
        return changed;
    }

    private PlannerMessage assignmentMessage(Node node) {
        return PlannerMessage.newBuilder().setAssignments(AssignmentSet.newBuilder().setPlanVersion(planVersion)
                .addAllAssignments(node.assignments)).build();
    }

    private Map<String, ModelCatalogEntry> catalogueEntries() {
        Map<String, ModelCatalogEntry.Builder> entries = new TreeMap<>();
        for (Node node : nodes.values()) {
            if (!node.live()) {
                continue;
            }
            for (LocalModel m : node.hello.getModelsList()) {
                ModelCatalogEntry.Builder e = entries.computeIfAbsent(m.getModelId(), id -> ModelCatalogEntry
                        .newBuilder().setModelId(id).setArchitecture(m.getArchitecture())
                        .setContextLength(m.getContextLength()).setSizeBytes(m.getSizeBytes()));
                e.setNodesHolding(e.getNodesHolding() + 1);
            }
            for (Assignment a : node.assignments) {
                ModelCatalogEntry.Builder e = entries.get(a.getModelId());
                if (e != null) {
                    e.setReplicasReady(e.getReplicasReady() + 1);
                }
            }
        }
        Map<String, ModelCatalogEntry> result = new TreeMap<>();
        long now = clock.millis();
        entries.forEach((id, b) -> result.put(id, b.setUpdatedAtMs(now).build()));
        return result;
    }

    private void publishSnapshot() {
        snapshot = FleetSnapshot.of(nodes.values(), planVersion);
    }

    private static String describe(Map<String, List<Assignment>> plan) {
        StringBuilder s = new StringBuilder();
        plan.forEach((node, list) -> list.forEach(a -> s.append(node).append('←').append(a.getModelId())
                .append(" (").append(a.getNGpuLayers()).append(" GPU layers) ")));
        return s.length() == 0 ? "nothing to run" : s.toString().trim();
    }

    private interface StoreAction {
        void run() throws SQLException;
    }

    /** The in-memory fleet stays authoritative when PostgreSQL is down; the history just misses a line. */
    private static void persist(StoreAction action) {
        try {
            action.run();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("could not store planner state: %s", e.getMessage());
        }
    }
}
