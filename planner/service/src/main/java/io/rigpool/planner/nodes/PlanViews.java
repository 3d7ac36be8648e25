package io.rigpool.planner.nodes;

import io.rigpool.planner.demand.DemandTracker;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.ModelOutcome;
import io.rigpool.planner.placement.Pin;
import io.rigpool.planner.placement.Placement;
import io.rigpool.planner.placement.PlannedInstance;
import io.rigpool.planner.plan.AdminRules;
import io.rigpool.planner.plan.PlanView;
import io.rigpool.proto.v1.Assignment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Builds the {@link PlanView} readers see from the loop's state. */
final class PlanViews {

    private PlanViews() {
    }

    static PlanView of(long version, Instant at, String trigger, Placement placement, Collection<Node> nodes,
            AdminRules rules, java.util.Map<String, DemandTracker.Demand> demand, NodeBudgets budgets) {
        List<PlanView.NodePlan> nodePlans = new ArrayList<>();
        for (Node node : nodes) {
            List<PlanView.RunnerPlan> runners = new ArrayList<>();
            for (PlannedInstance p : placement.on(node.nodeId)) {
                Instance i = p.instance();
                runners.add(new PlanView.RunnerPlan(i.modelId(), i.gpuLayers(), i.option().contextSize(),
                        i.option().parallelSlots(), p.change().name().toLowerCase(Locale.ROOT), p.gpuBytes(),
                        p.cpuBytes(), round(p.capacityTps()), round(p.servedTps()),
                        p.basis().name().toLowerCase(Locale.ROOT), p.reason(), p.reasonCode().name(),
                        p.figures(), i.engine().id(),
                        i.expertLayersOnCpu()));
            }
            List<PlanView.AssignedRunner> assigned = new ArrayList<>();
            for (Assignment a : node.assignments) {
                assigned.add(new PlanView.AssignedRunner(a.getModelId(), a.getNGpuLayers(), a.getNCtx(),
                        a.getParallelSlots(), node.drainingSince.containsKey(a.getModelId()), a.getEngine(),
                        a.getNCpuMoe()));
            }
            String unavailable = node.paused() ? "owner paused serving"
                    : rules.drained(node.nodeId) ? "drained by an admin" : null;
            nodePlans.add(new PlanView.NodePlan(node.nodeId, node.state.label(),
                    Math.max(0, node.vramBudget.effective()), Math.max(0, node.ramBudget.effective()),
                    node.budgetNote, budgets.reserve(node, rules), rules.drained(node.nodeId), unavailable, runners,
                    assigned));
        }
        List<PlanView.ModelPlan> models = new ArrayList<>();
        double demanded = 0;
        for (ModelOutcome m : placement.models().values().stream()
                .sorted(java.util.Comparator.comparing(ModelOutcome::modelId)).toList()) {
            DemandTracker.Demand d = demand.get(m.modelId());
            List<String> pinned = rules.pins().stream().filter(p -> p.modelId().equals(m.modelId()))
                    .map(Pin::nodeId).sorted().toList();
            models.add(new PlanView.ModelPlan(m.modelId(), round(m.demandTps()),
                    d == null ? 0 : round(d.arrivalsPerSecond()), d == null ? 0 : d.backlog(), round(m.servedTps()),
                    m.replicas(), m.requiredReplicas(), rules.minReplicas(m.modelId()), pinned, m.notes()));
            demanded += m.demandTps();
        }
        return new PlanView(version, at, trigger, round(demanded), round(placement.servedTps()), placement.coverage(),
                placement.notes(), nodePlans, models);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
