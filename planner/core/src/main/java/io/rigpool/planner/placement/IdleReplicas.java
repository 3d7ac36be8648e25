package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * The last cut before a plan is reported: a runner that serves nothing holds its owner's RAM and VRAM for no one,
 * so it is not loaded, unless it is one of the replicas its model needs (its coverage), pinned, or may not be
 * changed this round. A cut is kept only when the plan stays as good on the objective.
 */
final class IdleReplicas {

    private final Fleet fleet;
    private final PlanEvaluator evaluator;

    IdleReplicas(Fleet fleet, PlanEvaluator evaluator) {
        this.fleet = fleet;
        this.evaluator = evaluator;
    }

    /** Drops spare runners that serve nothing: all at once when that is as good, else one at a time, largest first. */
    WorkingPlan drop(WorkingPlan plan) {
        PlanEvaluator.Score before = evaluator.score(plan);
        List<WorkingPlan.Runner> all = spareAndIdle(plan, before);
        if (all.size() > 1) {
            WorkingPlan t = plan.copy();
            all.forEach(t::remove);
            if (!before.beats(evaluator.score(t), PlanEvaluator.noise(before))) {
                plan = t;
            }
        }
        while (true) {
            PlanEvaluator.Score score = evaluator.score(plan);
            WorkingPlan cut = null;
            for (WorkingPlan.Runner r : spareAndIdle(plan, score)) {
                WorkingPlan t = plan.copy();
                t.remove(r);
                if (!score.beats(evaluator.score(t), PlanEvaluator.noise(score))) {
                    cut = t;
                    break;
                }
            }
            if (cut == null) {
                return plan;
            }
            plan = cut;
        }
    }

    private List<WorkingPlan.Runner> spareAndIdle(WorkingPlan plan, PlanEvaluator.Score score) {
        List<WorkingPlan.Runner> runners = score.runners();
        List<WorkingPlan.Runner> idle = new ArrayList<>();
        for (int i = 0; i < runners.size(); i++) {
            WorkingPlan.Runner r = runners.get(i);
            if (score.allotment().served(i) <= PlanQuality.NOTHING_SERVED
                    && plan.replicas(r.model()) > Math.max(1, fleet.models[r.model()].requiredReplicas())
                    && !fleet.pinned(r.node(), r.model())
                    && !fleet.frozen(r.node(), r.model(), r.option(), r.layers())) {
                idle.add(r);
            }
        }
        idle.sort((a, b) -> Long.compare(bytes(b), bytes(a)));
        return idle;
    }

    private long bytes(WorkingPlan.Runner r) {
        Footprint f = fleet.footprint(r);
        return f.gpuBytes(r.layers()) + f.cpuBytes(r.layers());
    }
}
