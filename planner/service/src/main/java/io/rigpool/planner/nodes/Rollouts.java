package io.rigpool.planner.nodes;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.placement.DrainRollout;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.PlannedInstance;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.AssignmentSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a node's planned runners into what it is told now: runners that must go but still have jobs drain first
 * ({@link DrainRollout}), and every assignment carries its reason.
 */
final class Rollouts {

    private final Duration drainTimeout;

    Rollouts(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    /**
     * The node's assignments for now, given its target; updates the node's draining state.
     *
     * @param reasons the plan's explanation per model id on this node
     */
    List<Assignment> step(Node node, Map<String, PlannedInstance> reasons, Instant now) {
        DrainRollout.Step step = DrainRollout.next(node.target, assignedInstances(node), node.busySlots(),
                node.drainingSince, now, drainTimeout);
        node.drainingSince = step.drainingSince();
        List<Assignment> out = new ArrayList<>();
        for (DrainRollout.Entry e : step.send()) {
            Instance i = e.instance();
            String reason;
            if (e.draining()) {
                reason = "draining: the new plan " + (node.target.stream().anyMatch(t -> t.modelId()
                        .equals(i.modelId())) ? "changes this runner" : "moves this model away")
                        + "; waiting for " + node.busySlots().getOrDefault(i.modelId(), 0) + " busy slot(s), at"
                        + " most " + drainTimeout.toSeconds() + " s";
            } else {
                PlannedInstance planned = reasons.get(i.modelId());
                reason = planned != null ? planned.reason() : "";
            }
            out.add(PlanRecords.runner(i).setReason(reason).setDrain(e.draining()).build());
        }
        return out;
    }

    static AssignmentSet message(List<Assignment> assignments, long planVersion, boolean drainNode) {
        return AssignmentSet.newBuilder().setPlanVersion(planVersion).addAllAssignments(assignments)
                .setDrain(drainNode).build();
    }

    /** The runners the node was last told about, as plan instances. */
    static List<Instance> assignedInstances(Node node) {
        List<Instance> list = new ArrayList<>();
        for (Assignment a : node.assignments) {
            list.add(new Instance(node.nodeId, a.getModelId(), new io.rigpool.planner.placement.SlotLayout(
                    Math.max(1, a.getParallelSlots()), Math.max(Math.max(1, a.getParallelSlots()), a.getNCtx())),
                    a.getNGpuLayers(), Math.max(0, a.getNCpuMoe()),
                    EngineKind.byId(a.getEngine()).orElse(EngineKind.JAVA_LLAMA)));
        }
        return list;
    }

    /** Whether two assignment lists tell a node the same (reasons aside, which carry live figures). */
    static boolean same(List<Assignment> a, List<Assignment> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).toBuilder().clearReason().build().equals(b.get(i).toBuilder().clearReason().build())) {
                return false;
            }
        }
        return true;
    }
}
