package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a finished draft into a {@link Placement}: figures per runner and per model, and every reason. */
final class PlacementReport {

    /** Rejections listed per model before the rest is summed up. */
    private static final int MAX_REJECTIONS = 6;

    private final Fleet fleet;
    private final Notes notes;

    PlacementReport(Fleet fleet, Notes notes) {
        this.fleet = fleet;
        this.notes = notes;
    }

    Placement build(WorkingPlan plan, PlanEvaluator.Score score) {
        List<PlannedInstance> instances = new ArrayList<>();
        double[] served = new double[fleet.modelCount()];
        List<WorkingPlan.Runner> runners = score.runners();
        for (int i = 0; i < runners.size(); i++) {
            WorkingPlan.Runner r = runners.get(i);
            double s = score.allotment().served(i);
            served[r.model()] += s;
            instances.add(instance(plan, r, s));
        }
        Map<String, ModelOutcome> models = new LinkedHashMap<>();
        for (int m = 0; m < fleet.modelCount(); m++) {
            ModelSpec spec = fleet.models[m];
            List<String> modelNotes = new ArrayList<>(notes.of(spec.modelId()));
            modelNotes.addAll(rejections(plan, m));
            models.put(spec.modelId(), new ModelOutcome(spec.modelId(), spec.demandTps(), served[m],
                    plan.replicas(m), spec.requiredReplicas(), modelNotes));
        }
        return new Placement(instances, models, score.coverage(), score.served(), score.value(), notes.plan);
    }

    private PlannedInstance instance(WorkingPlan plan, WorkingPlan.Runner r, double served) {
        NodeSpec node = fleet.nodes[r.node()];
        ModelSpec model = fleet.models[r.model()];
        Footprint f = fleet.footprint(r.model(), r.option());
        long gpu = f.gpuBytes(r.layers());
        long cpu = f.cpuBytes(r.layers());
        double capacity = fleet.capacity(r.node(), r.model(), r.option(), r.layers());
        PlannedInstance.Change change = fleet.changeOf(r.node(), r.model(), r.option(), r.layers());
        long othersVram = 0;
        for (WorkingPlan.Runner other : plan.on(r.node())) {
            if (other != r) {
                othersVram += fleet.footprint(other.model(), other.option()).gpuBytes(other.layers());
            }
        }
        StringBuilder reason = new StringBuilder();
        reason.append("needs ").append(Reasons.mib(gpu)).append(" VRAM and ").append(Reasons.mib(cpu))
                .append(" RAM (").append(layers(f, r.layers())).append(", ").append(f.option()).append(", ")
                .append(Reasons.basis(f.basis(r.layers()))).append("); node has ")
                .append(Reasons.mib(node.vramBudget())).append(" VRAM free after reserve");
        if (!node.budgetNote().isEmpty()) {
            reason.append(" (").append(node.budgetNote()).append(')');
        }
        if (othersVram > 0) {
            reason.append(", ").append(Reasons.mib(node.vramBudget() - othersVram)).append(" of it beside its other"
                    + " runners");
        }
        reason.append("; predicted ").append(Reasons.tps(capacity)).append(" with every slot busy, serves ")
                .append(Reasons.tps(served)).append(" of ").append(Reasons.tps(model.demandTps()))
                .append(" demanded");
        switch (change) {
            case KEPT -> reason.append("; kept: already assigned with these parameters");
            case RELOADED -> reason.append("; reloaded with new parameters, ~")
                    .append(loadSeconds(model)).append(" s");
            case NEW -> reason.append("; new: loads in ~").append(loadSeconds(model)).append(" s");
        }
        if (r.layers() < f.fullOffload() && node.gpuOffload()) {
            reason.append("; full offload would need ").append(Reasons.mib(f.gpuBytes(f.fullOffload())))
                    .append(" VRAM");
        }
        LayerCap cap = fleet.layerCap(r.node(), r.model());
        if (cap != null && node.gpuOffload()) {
            reason.append("; at most ").append(cap.layers()).append(" GPU layers here: ").append(cap.why());
        }
        if (!node.gpuOffload()) {
            reason.append("; ").append(Reasons.cpuOnly(node));
        }
        return new PlannedInstance(new Instance(node.nodeId(), model.modelId(), f.option(), r.layers()), change, gpu,
                cpu, capacity, served, f.basis(r.layers()), reason.toString());
    }

    private static String layers(Footprint f, int gpuLayers) {
        if (gpuLayers == 0) {
            return "CPU only";
        }
        if (gpuLayers >= f.fullOffload()) {
            return "all " + f.layers() + " layers and the output on the GPU";
        }
        return gpuLayers + " of " + f.layers() + " layers on the GPU";
    }

    private String loadSeconds(ModelSpec model) {
        return String.format(Locale.ROOT, "%.0f", fleet.problem.settings().loadSeconds(model.fileBytes()));
    }

    /** Why each node that could be considered does not run the model. */
    private List<String> rejections(WorkingPlan plan, int m) {
        List<String> reasons = new ArrayList<>();
        int more = 0;
        String modelId = fleet.models[m].modelId();
        for (int n = 0; n < fleet.nodeCount(); n++) {
            if (plan.hosts(n, m)) {
                continue;
            }
            NodeSpec node = fleet.nodes[n];
            String why = fleet.isEligible(n, m) ? roomFor(plan, n, m)
                    : Reasons.ineligible(node, modelId, fleet.problem.excluded());
            if (why.equals("does not hold the file")) {
                continue;
            }
            if (reasons.size() < MAX_REJECTIONS) {
                reasons.add(node.nodeId() + ": " + why);
            } else {
                more++;
            }
        }
        if (more > 0) {
            reasons.add("and " + more + " more node(s)");
        }
        return reasons;
    }

    private String roomFor(WorkingPlan plan, int n, int m) {
        int best = -1;
        int option = 0;
        for (int o = 0; o < fleet.optionCount(m); o++) {
            int layers = plan.largestFitting(n, m, o);
            if (layers > best) {
                best = layers;
                option = o;
            }
        }
        Footprint f = fleet.footprint(m, option);
        if (best < 0) {
            return "no room: needs " + Reasons.mib(f.cpuBytes(0)) + " RAM CPU-only or "
                    + Reasons.mib(f.smallestGpuBytes()) + " VRAM for one layer; has " + Reasons.mib(plan.ramLeft(n))
                    + " RAM and " + Reasons.mib(plan.vramLeft(n)) + " VRAM left";
        }
        double capacity = fleet.capacity(n, m, option, best);
        return "room for " + layers(f, best) + " (" + Reasons.tps(capacity) + "), not used: "
                + (fleet.demand[m] <= 0 ? "no demand" : "its demand is better served elsewhere or the gain "
                        + "does not pay for a load");
    }
}
