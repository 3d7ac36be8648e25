package io.rigpool.planner.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.planner.nodes.FleetCoordinator;
import io.rigpool.planner.nodes.FleetSnapshot;
import io.rigpool.planner.nodes.PlanningRounds;
import io.rigpool.planner.plan.PlanView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The planner's Prometheus metrics at {@code /q/metrics}, read from the fleet snapshot and the planning rounds:
 *
 * <ul>
 *   <li>{@code rigpool_nodes{status}}: nodes by status (ready, draining, paused, disconnected, lost);</li>
 *   <li>{@code rigpool_gpus}: GPUs of the nodes that are connected;</li>
 *   <li>{@code rigpool_node_vram_free_bytes{node}} and {@code rigpool_node_vram_planned_bytes{node}}: free VRAM as
 *       last reported, next to what the plan puts on the node's GPU;</li>
 *   <li>{@code rigpool_assignments{model}}: runners assigned, per model;</li>
 *   <li>{@code rigpool_plan_version}; {@code rigpool_replans_total}, {@code rigpool_plan_changes_total},
 *       {@code rigpool_replan_failures_total} and {@code rigpool_replan_duration_seconds} (count and sum).</li>
 * </ul>
 *
 * Per-node and per-model rows follow the snapshot every second; a node that is forgotten loses its rows.
 */
@ApplicationScoped
public class PlannerMetrics {

    static final List<String> STATUSES = List.of("ready", "draining", "paused", "disconnected", "lost");
    private static final Duration REFRESH = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(PlannerMetrics.class);

    @Inject
    MeterRegistry registry;

    @Inject
    FleetCoordinator fleet;

    private ScheduledExecutorService refresher;
    private MultiGauge freeVram;
    private MultiGauge plannedVram;
    private MultiGauge assignments;

    void start(@Observes StartupEvent event) {
        for (String status : STATUSES) {
            Gauge.builder("rigpool.nodes", fleet, f -> count(f.snapshot(), status)).tag("status", status)
                    .description("nodes the planner knows, by status").register(registry);
        }
        Gauge.builder("rigpool.gpus", fleet, f -> gpus(f.snapshot()))
                .description("GPUs of connected nodes").register(registry);
        Gauge.builder("rigpool.plan.version", fleet, f -> f.snapshot().planVersion())
                .description("version of the plan in force").register(registry);
        PlanningRounds rounds = fleet.rounds();
        FunctionCounter.builder("rigpool.replans", rounds, PlanningRounds::rounds)
                .description("planning rounds run").register(registry);
        FunctionCounter.builder("rigpool.plan.changes", rounds, PlanningRounds::changes)
                .description("planning rounds that made a new plan version").register(registry);
        FunctionCounter.builder("rigpool.replan.failures", rounds, PlanningRounds::failures)
                .description("planning rounds that failed; the plan in force stayed").register(registry);
        FunctionTimer.builder("rigpool.replan.duration", rounds, PlanningRounds::rounds,
                        PlanningRounds::totalNanos, TimeUnit.NANOSECONDS)
                .description("time spent planning").register(registry);
        freeVram = MultiGauge.builder("rigpool.node.vram.free").baseUnit("bytes")
                .description("free VRAM of a node's GPUs as last reported").register(registry);
        plannedVram = MultiGauge.builder("rigpool.node.vram.planned").baseUnit("bytes")
                .description("VRAM the plan puts on a node's GPU").register(registry);
        assignments = MultiGauge.builder("rigpool.assignments")
                .description("runners assigned to nodes, per model").register(registry);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "planner-metrics");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    /** Brings the per-node and per-model rows up to the latest snapshot. */
    void refresh() {
        try {
            FleetSnapshot snapshot = fleet.snapshot();
            List<MultiGauge.Row<?>> free = new ArrayList<>();
            Map<String, Long> assigned = new TreeMap<>();
            for (FleetSnapshot.NodeView node : snapshot.nodes()) {
                long bytes = node.gpus().stream().mapToLong(FleetSnapshot.GpuView::freeBytes).sum();
                free.add(MultiGauge.Row.of(Tags.of("node", node.nodeId()), bytes));
                node.assignments().forEach(a -> assigned.merge(a.modelId(), 1L, Long::sum));
            }
            List<MultiGauge.Row<?>> planned = new ArrayList<>();
            for (PlanView.NodePlan node : snapshot.plan().nodes()) {
                long bytes = node.runners().stream().mapToLong(PlanView.RunnerPlan::gpuBytes).sum();
                planned.add(MultiGauge.Row.of(Tags.of("node", node.nodeId()), bytes));
            }
            freeVram.register(free, true);
            plannedVram.register(planned, true);
            assignments.register(assigned.entrySet().stream()
                    .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("model", e.getKey()), e.getValue()))
                    .toList(), true);
        } catch (RuntimeException e) {
            LOG.debugf("metrics refresh failed: %s", e);
        }
    }

    private static long count(FleetSnapshot snapshot, String status) {
        return snapshot.nodes().stream().filter(n -> n.status().equals(status)).count();
    }

    private static long gpus(FleetSnapshot snapshot) {
        return snapshot.nodes().stream().filter(n -> "ready".equals(n.state()))
                .mapToLong(n -> n.gpus().size()).sum();
    }
}
