package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a finished draft into a {@link Placement}: figures per runner and per model, and every reason. */
final class PlacementReport {

    /** Rejections listed per model before the rest is summed up. */
    private static final int MAX_REJECTIONS = 6;

    /** Plans with more runners than this say which term decided only by the runner's own figures. */
    private static final int MAX_COUNTERFACTUALS = 64;

    private final Fleet fleet;
    private final Notes notes;
    private final PlanEvaluator evaluator;

    PlacementReport(Fleet fleet, Notes notes, PlanEvaluator evaluator) {
        this.fleet = fleet;
        this.notes = notes;
        this.evaluator = evaluator;
    }

    Placement build(WorkingPlan plan, PlanEvaluator.Score score) {
        List<PlannedInstance> instances = new ArrayList<>();
        double[] served = new double[fleet.modelCount()];
        List<WorkingPlan.Runner> runners = score.runners();
        for (int i = 0; i < runners.size(); i++) {
            WorkingPlan.Runner r = runners.get(i);
            double s = score.allotment().served(i);
            served[r.model()] += s;
            instances.add(instance(plan, r, s, decidedBy(plan, r, s, score)));
        }
        Map<String, ModelOutcome> models = new LinkedHashMap<>();
        for (int m = 0; m < fleet.modelCount(); m++) {
            ModelSpec spec = fleet.models[m];
            List<String> modelNotes = new ArrayList<>(notes.of(spec.modelId()));
            modelNotes.addAll(rejections(plan, m));
            models.put(spec.modelId(), new ModelOutcome(spec.modelId(), spec.demandTps(), served[m],
                    plan.replicas(m), spec.requiredReplicas(), modelNotes));
        }
        return new Placement(instances, models, score.coverage(), score.served(), score.value(), notes.plan,
                score.quality());
    }

    /** Why a runner stays: its code, the figures that decided (if any) and the words. */
    private record Decision(ReasonCode code, Map<String, Double> figures, String text) {

        static Decision of(ReasonCode code, String text) {
            return new Decision(code, Map.of(), text);
        }

        /** The term decided: its figure with the runner ({@code name}) and without it ({@code name_without}). */
        static Decision term(ObjectiveTerm term, String name, double with, double without, String text) {
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put(name, with);
            figures.put(name + "_without", without);
            return new Decision(ReasonCode.decidedBy(term), figures, "decided by " + term.label() + ": " + text);
        }
    }

    /**
     * Which term of the objective keeps this runner in the plan: the first on which the plan beats the same plan
     * without it, with both figures.
     */
    private Decision decidedBy(WorkingPlan plan, WorkingPlan.Runner r, double served, PlanEvaluator.Score score) {
        if (plan.size() > MAX_COUNTERFACTUALS) {
            return served > PlanQuality.NOTHING_SERVED
                    ? Decision.of(ReasonCode.SERVED, "decided by " + ObjectiveTerm.SERVED.label())
                    : Decision.of(ReasonCode.COVERAGE, "decided by " + ObjectiveTerm.COVERAGE.label()
                            + ": its model's replica");
        }
        WorkingPlan without = plan.copy();
        without.remove(r);
        PlanEvaluator.Score other = evaluator.score(without);
        ObjectiveTerm term = Objective.decides(score, other, PlanEvaluator.noise(other), Objective.TIE);
        if (term == null) {
            if (fleet.pinned(r.node(), r.model())) {
                return Decision.of(ReasonCode.ADMIN_PIN, "decided by the admin's pin");
            }
            if (fleet.frozen(r.node(), r.model(), r.option(), r.layers())) {
                return Decision.of(ReasonCode.KEPT_AS_IT_RUNS,
                        "kept as it runs: within its dwell time or outside this round's scope");
            }
            if (fleet.demand[r.model()] > 0) {
                return Decision.of(ReasonCode.NO_SINGLE_TERM, "no term decided alone");
            }
            String where = notes.runner(fleet.nodes[r.node()].nodeId(), fleet.models[r.model()].modelId());
            return Decision.of(ReasonCode.AVAILABILITY, "decided by availability: the one replica of a model nobody"
                    + " asks for now, in memory no one else wanted" + (where == null ? "" : ", " + where));
        }
        PlanQuality with = score.quality();
        PlanQuality less = other.quality();
        return switch (term) {
            case COVERAGE -> Decision.term(term, "coverage", score.coverage(), other.coverage(),
                    "without it " + other.coverage() + " of the required replicas instead of " + score.coverage());
            case CPU_ONLY_FLOOR -> Decision.term(term, "cpu_only_floor_breaches", score.floorBreaches(),
                    other.floorBreaches(), "without it " + other.floorBreaches() + " CPU-only runners over the floor");
            case SERVED -> Decision.term(term, "plan_served_tps", score.served(), other.served(),
                    "without it the plan serves " + Reasons.tps(other.served()) + " instead of "
                            + Reasons.tps(score.served()));
            case IDLE_MEMORY -> Decision.term(term, "idle_bytes", with.idleBytes(), less.idleBytes(),
                    "without it " + Reasons.mib(less.idleBytes()) + " held by runners that serve nothing instead of "
                            + Reasons.mib(with.idleBytes()));
            case OFF_GPU -> Decision.term(term, "off_gpu_tps", with.offGpuTps(), less.offGpuTps(),
                    "without it " + Reasons.tps(less.offGpuTps()) + " served from CPU layers instead of "
                            + Reasons.tps(with.offGpuTps()));
            case HEADROOM -> Decision.term(term, "busiest_node_share", with.busiestNodeShare(),
                    less.busiestNodeShare(), "without it the busiest node needs " + percent(less.busiestNodeShare())
                            + " of its memory time instead of " + percent(with.busiestNodeShare()));
            case REQUEST_SPEED -> Decision.term(term, "request_tps", with.requestTps(), less.requestTps(),
                    "without it a request sees " + Reasons.tps(less.requestTps()) + " instead of "
                            + Reasons.tps(with.requestTps()));
        };
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * share);
    }

    private PlannedInstance instance(WorkingPlan plan, WorkingPlan.Runner r, double served, Decision decidedBy) {
        NodeSpec node = fleet.nodes[r.node()];
        ModelSpec model = fleet.models[r.model()];
        Footprint f = fleet.footprint(r);
        long gpu = f.gpuBytes(r.layers());
        long cpu = f.cpuBytes(r.layers());
        double capacity = fleet.capacity(r.node(), r.model(), r.option(), r.layers());
        PlannedInstance.Change change = fleet.changeOf(r.node(), r.model(), r.option(), r.layers());
        long othersVram = 0;
        for (WorkingPlan.Runner other : plan.on(r.node())) {
            if (other != r) {
                othersVram += fleet.footprint(other).gpuBytes(other.layers());
            }
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("gpu_bytes", (double) gpu);
        figures.put("cpu_bytes", (double) cpu);
        figures.put("n_gpu_layers", (double) f.step(r.layers()).gpuLayers());
        figures.put("layers", (double) f.layers());
        figures.put("vram_budget_bytes", (double) node.vramBudget());
        StringBuilder reason = new StringBuilder();
        reason.append("needs ").append(Reasons.mib(gpu)).append(" VRAM and ").append(Reasons.mib(cpu))
                .append(" RAM (").append(layers(f, r.layers())).append(", ").append(f.option()).append(", ")
                .append(Reasons.basis(f.basis(r.layers()))).append("); node has ")
                .append(Reasons.mib(node.vramBudget())).append(" VRAM free after reserve");
        if (!node.budgetNote().isEmpty()) {
            reason.append(" (").append(node.budgetNote()).append(')');
        }
        if (othersVram > 0) {
            figures.put("vram_beside_others_bytes", (double) (node.vramBudget() - othersVram));
            reason.append(", ").append(Reasons.mib(node.vramBudget() - othersVram)).append(" of it beside its other"
                    + " runners");
        }
        figures.put("capacity_tps", capacity);
        figures.put("per_request_tps", capacity / f.option().parallelSlots());
        figures.put("served_tps", served);
        figures.put("demand_tps", model.demandTps());
        reason.append("; predicted ").append(Reasons.tps(capacity)).append(" with every slot busy (")
                .append(Reasons.tps(capacity / f.option().parallelSlots())).append(" per request), serves ")
                .append(Reasons.tps(served)).append(" of ").append(Reasons.tps(model.demandTps()))
                .append(" demanded");
        switch (change) {
            case KEPT -> reason.append("; kept: already assigned with these parameters");
            case RELOADED -> reason.append("; reloaded with new parameters, ~")
                    .append(loadSeconds(model)).append(" s");
            case NEW -> reason.append("; new: loads in ~").append(loadSeconds(model)).append(" s");
        }
        boolean offloads = fleet.offloads(r.node(), r.model());
        if (r.layers() < f.fullOffload() && offloads) {
            figures.put("full_offload_gpu_bytes", (double) f.gpuBytes(f.fullOffload()));
            reason.append("; full offload would need ").append(Reasons.mib(f.gpuBytes(f.fullOffload())))
                    .append(" VRAM");
        }
        LayerCap cap = fleet.layerCap(r.node(), r.model());
        if (cap != null && offloads) {
            figures.put("layer_cap", (double) cap.layers());
            reason.append("; at most ").append(cap.layers()).append(" GPU layers here: ").append(cap.why());
        }
        if (!offloads) {
            reason.append("; ").append(fleet.cpuOnlyReason(r.node(), r.model()));
        }
        OffloadStep step = f.step(r.layers());
        if (step.engine() != EngineKind.JAVA_LLAMA || node.engines().size() > 1) {
            reason.append("; runs on ").append(engineLabel(node, step.engine()));
        }
        reason.append("; ").append(decidedBy.text());
        figures.putAll(decidedBy.figures());
        Instance instance = new Instance(node.nodeId(), model.modelId(), f.option(), step.gpuLayers(),
                step.expertLayersOnCpu(), step.engine());
        return new PlannedInstance(instance, change, gpu, cpu, capacity, served, f.basis(r.layers()),
                reason.toString(), decidedBy.code(), figures);
    }

    private static String engineLabel(NodeSpec node, EngineKind kind) {
        return node.engines().stream().filter(e -> e.kind() == kind).findFirst().map(NodeEngine::label)
                .orElse(kind.id());
    }

    /** "CPU only", "12 of 24 layers on the GPU", "all 24 layers and the output on the GPU, the experts of 13 ...". */
    static String layers(Footprint f, int level) {
        OffloadStep step = f.step(level);
        if (step.gpuLayers() == 0) {
            return "CPU only";
        }
        int onGpu = Math.min(step.gpuLayers(), f.layers());
        String layers = step.gpuLayers() > f.layers() ? "all " + f.layers() + " layers and the output on the GPU"
                : onGpu + " of " + f.layers() + " layers on the GPU";
        int expertsInRam = Math.min(onGpu, Math.max(0, step.expertLayersOnCpu() - (f.layers() - onGpu)));
        return expertsInRam == 0 ? layers : layers + ", the experts of " + expertsInRam + " of them in RAM";
    }

    private String loadSeconds(ModelSpec model) {
        return String.format(Locale.ROOT, "%.0f", fleet.problem.settings().loadSeconds(model.fileBytes()));
    }

    /** Why each node that could be considered does not run the model. */
    private List<String> rejections(WorkingPlan plan, int m) {
        List<String> reasons = new ArrayList<>();
        int more = 0;
        for (int n = 0; n < fleet.nodeCount(); n++) {
            if (plan.hosts(n, m)) {
                continue;
            }
            NodeSpec node = fleet.nodes[n];
            String why = fleet.isEligible(n, m) ? roomFor(plan, n, m)
                    : Reasons.ineligible(node, fleet.models[m], fleet.problem.excluded());
            if (why.equals(Reasons.NO_FILE)) {
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
        Footprint f = fleet.footprint(n, m, option);
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
