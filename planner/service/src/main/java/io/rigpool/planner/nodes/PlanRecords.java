package io.rigpool.planner.nodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.ModelOutcome;
import io.rigpool.planner.placement.Placement;
import io.rigpool.planner.placement.PlannedInstance;
import io.rigpool.proto.v1.Assignment;
import java.util.List;

/** How a plan is written to the history: assignments per node, and its explanation. */
final class PlanRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanRecords() {
    }

    static List<Assignment> assignments(Placement placement, String nodeId) {
        return placement.on(nodeId).stream().map(PlanRecords::assignment).toList();
    }

    static Assignment assignment(PlannedInstance p) {
        return runner(p.instance()).setReason(p.reason()).build();
    }

    /**
     * What a worker needs to start the runner: model, layers, context, slots and, off the default engine, which
     * engine and how many layers' experts stay in RAM (empty and 0 for java-llama, as an older worker expects).
     */
    static Assignment.Builder runner(Instance i) {
        Assignment.Builder a = Assignment.newBuilder().setModelId(i.modelId()).setNGpuLayers(i.gpuLayers())
                .setNCtx(i.option().contextSize()).setParallelSlots(i.option().parallelSlots())
                .setNCpuMoe(i.expertLayersOnCpu());
        return i.engine() == EngineKind.JAVA_LLAMA ? a : a.setEngine(i.engine().id());
    }

    /** Served and demanded throughput, per model outcomes and plan-wide notes, as JSON. */
    static String details(Placement placement) {
        ObjectNode root = JSON.createObjectNode();
        root.put("served_tps", placement.servedTps());
        root.put("coverage", placement.coverage());
        ArrayNode notes = root.putArray("notes");
        placement.notes().forEach(notes::add);
        ArrayNode models = root.putArray("models");
        for (ModelOutcome m : placement.models().values()) {
            ObjectNode o = models.addObject().put("model_id", m.modelId()).put("demand_tps", m.demandTps())
                    .put("served_tps", m.servedTps()).put("replicas", m.replicas())
                    .put("required_replicas", m.requiredReplicas());
            ArrayNode n = o.putArray("notes");
            m.notes().forEach(n::add);
        }
        return root.toString();
    }

    static String describe(Placement placement) {
        StringBuilder s = new StringBuilder();
        for (PlannedInstance p : placement.instances()) {
            s.append(p.nodeId()).append('←').append(p.modelId()).append(" (").append(p.instance().gpuLayers())
                    .append(" GPU layers, ").append(p.instance().option()).append(") ");
        }
        return s.length() == 0 ? "nothing to run" : s.toString().trim();
    }
}
