package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The optimiser's hard goals before throughput: pins, then each model's required replicas (one for a model with
 * demand, more when an admin asked), CPU-only as the last resort and evicting only runners whose model has
 * replicas to spare; and at the end a replica for idle models in memory nobody else wants.
 */
final class Coverage {

    /**
     * @param requestSpeed tokens per second one request sees on it: decides between choices that serve as much
     * @param overFloor CPU-only although the model's file is larger than the admin's CPU-only floor
     */
    private record Choice(int node, int option, int layers, double score, double requestSpeed, long gpuBytes,
            double lost, boolean overFloor) {
    }

    private final Fleet fleet;
    private final Notes notes;

    Coverage(Fleet fleet, Notes notes) {
        this.fleet = fleet;
        this.notes = notes;
    }

    void pins(WorkingPlan plan) {
        for (Pin pin : fleet.problem.pins()) {
            Integer n = fleet.nodeIndex(pin.nodeId());
            Integer m = fleet.modelIndex(pin.modelId());
            String label = "pin " + pin.modelId() + " → " + pin.nodeId();
            if (n == null || m == null) {
                notes.plan(label + " not honoured: " + (n == null ? "node not connected" : "model unknown"));
                continue;
            }
            if (!fleet.isEligible(n, m)) {
                notes.plan(label + " not honoured: node "
                        + Reasons.ineligible(fleet.nodes[n], fleet.models[m], fleet.problem.excluded()));
                continue;
            }
            if (plan.hosts(n, m)) {
                continue;
            }
            Choice c = placeOn(plan, n, m, true);
            if (c == null) {
                Footprint smallest = fleet.footprint(n, m, 0);
                notes.plan(label + " not honoured: needs " + Reasons.mib(smallest.cpuBytes(0))
                        + " RAM even CPU-only; node's budget is " + Reasons.mib(fleet.nodes[n].ramBudget()));
            }
        }
    }

    void required(WorkingPlan plan) {
        List<Integer> order = new ArrayList<>();
        for (int m = 0; m < fleet.modelCount(); m++) {
            order.add(m);
        }
        // Models over the admin's CPU-only floor first: they need a GPU layer, the others may take a CPU.
        long floor = fleet.problem.settings().cpuOnlyFloorBytes();
        order.sort(Comparator.comparing((Integer m) -> fleet.models[m].fileBytes() <= floor)
                .thenComparingDouble(m -> -fleet.demand[m]).thenComparing(m -> m));
        List<WorkingPlan.Runner> added = new ArrayList<>();
        for (int m : order) {
            int required = fleet.models[m].requiredReplicas();
            while (plan.replicas(m) < required) {
                Choice best = null;
                for (int n = 0; n < fleet.nodeCount(); n++) {
                    if (fleet.isEligible(n, m) && !plan.hosts(n, m)) {
                        best = better(best, bestFit(plan, n, m, 0));
                    }
                }
                // The floor ranks above served throughput: spare runners may go to give the replica a GPU layer.
                if (best == null || best.overFloor) {
                    Choice evicting = null;
                    for (int n = 0; n < fleet.nodeCount(); n++) {
                        if (fleet.isEligible(n, m) && !plan.hosts(n, m)) {
                            evicting = better(evicting, afterEviction(plan, n, m, false));
                        }
                    }
                    if (evicting != null && (best == null || !evicting.overFloor)) {
                        best = evicting;
                        evictUntilFits(plan, best.node, m, false, !best.overFloor);
                    }
                }
                if (best == null) {
                    notes.model(fleet.models[m].modelId(), "only " + plan.replicas(m) + " of " + required
                            + " required replica(s): no other node can hold it");
                    break;
                }
                WorkingPlan.Runner r = new WorkingPlan.Runner(best.node, m, best.option, best.layers);
                plan.add(r);
                added.add(r);
            }
        }
        grow(plan, added);
    }

    /** The replicas just placed with their fewest GPU layers, given as many as fit now that all are placed. */
    private void grow(WorkingPlan plan, List<WorkingPlan.Runner> added) {
        for (WorkingPlan.Runner r : added) {
            if (r.layers() == 0 || !overFloorModel(r.model())) {
                continue;
            }
            plan.remove(r);
            int layers = Math.max(r.layers(), plan.largestFitting(r.node(), r.model(), r.option()));
            plan.add(new WorkingPlan.Runner(r.node(), r.model(), r.option(), layers));
        }
    }

    /**
     * A replica for each model nobody asks for, where it fits without taking anyone's memory and costs its owner
     * least ({@link #cheapestFirst}); smallest file first, so that as many as possible run wholly on a GPU.
     */
    void idle(WorkingPlan plan) {
        List<Integer> order = new ArrayList<>();
        for (int m = 0; m < fleet.modelCount(); m++) {
            order.add(m);
        }
        order.sort(Comparator.comparingLong((Integer m) -> fleet.models[m].fileBytes()).thenComparing(m -> m));
        for (int m : order) {
            if (fleet.models[m].requiredReplicas() > 0 || plan.replicas(m) > 0) {
                continue;
            }
            Choice best = unchanged(plan, m);
            String why = "kept where it runs: moving it would cost a load";
            if (best == null) {
                List<Choice> fits = new ArrayList<>();
                for (int n = 0; n < fleet.nodeCount(); n++) {
                    Choice c = fleet.isEligible(n, m) ? leanFit(plan, n, m) : null;
                    // Not needed for demand, so not a replica the admin's CPU-only floor makes an exception for.
                    if (c != null && !c.overFloor) {
                        fits.add(c);
                    }
                }
                // CPU-only only where no GPU has room for a layer: its first requests would crawl there.
                if (fits.stream().anyMatch(c -> c.layers > 0)) {
                    fits.removeIf(c -> c.layers == 0);
                }
                fits = cheapestFirst(plan, m, fits);
                best = fits.isEmpty() ? null : fits.get(0);
                why = fits.isEmpty() ? why : whereItCostsLeast(plan, m, fits);
            }
            if (best != null && !best.overFloor) {
                plan.add(new WorkingPlan.Runner(best.node, m, best.option, best.layers));
                notes.runner(fleet.nodes[best.node].nodeId(), fleet.models[m].modelId(), why);
            }
        }
    }

    /**
     * An idle model's replica costs its owner the RAM and VRAM it holds, so it goes where it holds the least (among
     * the nodes that give it GPU layers, where any does). Within the idle-memory term's band (64 MiB) of the least,
     * the order is: VRAM of a GPU that runs nothing else (no runner serving demand competes for that card), then GPU
     * layers beside other runners; then the faster per request, then the lower node. The rest follow by the memory
     * they hold.
     */
    private List<Choice> cheapestFirst(WorkingPlan plan, int m, List<Choice> fits) {
        if (fits.isEmpty()) {
            return fits;
        }
        long least = fits.stream().mapToLong(c -> held(m, c)).min().orElseThrow();
        long band = Objective.TIE.idleBytes();
        Comparator<Choice> order = Comparator.comparing((Choice c) -> held(m, c) > least + band)
                .thenComparingLong(c -> held(m, c) > least + band ? held(m, c) : 0)
                .thenComparingInt(c -> memoryKind(plan, c)).thenComparingDouble(c -> -c.requestSpeed)
                .thenComparingInt(c -> c.node);
        List<Choice> sorted = new ArrayList<>(fits);
        sorted.sort(order);
        return sorted;
    }

    /** 0: VRAM of a GPU that runs nothing else; 1: GPU layers beside other runners; 2: CPU only, in a PC's RAM. */
    private static int memoryKind(WorkingPlan plan, Choice c) {
        if (c.layers == 0) {
            return 2;
        }
        return plan.on(c.node).isEmpty() ? 0 : 1;
    }

    private long held(int m, Choice c) {
        Footprint f = fleet.footprint(c.node, m, c.option);
        return f.gpuBytes(c.layers) + f.cpuBytes(c.layers);
    }

    /** The reason of the cheapest choice, against the runner-up: "where it holds the least of an owner's memory". */
    private String whereItCostsLeast(WorkingPlan plan, int m, List<Choice> sorted) {
        Choice best = sorted.get(0);
        String reason = "where it holds the least of an owner's memory, " + Reasons.mib(held(m, best))
                + " of RAM and VRAM";
        if (sorted.size() == 1) {
            return reason + " (no other node has room for it)";
        }
        Choice next = sorted.get(1);
        String there = fleet.nodes[next.node].nodeId() + " would hold " + Reasons.mib(held(m, next));
        if (held(m, next) > held(m, best) + Objective.TIE.idleBytes()) {
            return reason + "; " + there;
        }
        String tieBreak = memoryKind(plan, best) < memoryKind(plan, next)
                ? (memoryKind(plan, best) == 0 ? "the VRAM of a GPU that runs nothing else" : "GPU layers")
                        + " before " + (memoryKind(plan, next) == 2 ? "a PC's RAM" : "a GPU beside other runners")
                : best.requestSpeed > next.requestSpeed ? "faster per request (" + Reasons.tps(best.requestSpeed)
                        + " against " + Reasons.tps(next.requestSpeed) + ")" : "as fast, and first in node order";
        return reason + "; " + there + ", within 64 MiB: " + tieBreak;
    }

    /** Where an idle model runs now, unchanged, if that still fits: keeping it costs no load. */
    private Choice unchanged(WorkingPlan plan, int m) {
        for (int n = 0; n < fleet.nodeCount(); n++) {
            Fleet.Incumbent before = fleet.incumbent(n, m);
            if (before != null && before.option() >= 0 && fleet.isEligible(n, m)
                    && before.layers() <= fleet.footprint(n, m, before.option()).fullOffload()
                    && plan.fits(n, m, before.option(), before.layers())) {
                return new Choice(n, before.option(), before.layers(), Double.MAX_VALUE, 0, 0, 0,
                        overFloor(m, before.layers()));
            }
        }
        return null;
    }

    /**
     * An idle model's replica keeps it available: its first option (the fewest slots, the smallest cache, so the
     * least memory) with as many layers as fit on node n ({@link #cheapestFirst} chooses the node). Not CPU-only on
     * a node with room on its GPU, though that may hold a little less (no CUDA context, one compute buffer): when
     * demand comes, its first requests would crawl on a CPU beside an idle GPU, and the dwell time would keep them
     * there; and a gaming PC's card is where a game lowering our layers is seen and handled. The search gives it
     * more once it is asked for.
     */
    private Choice leanFit(WorkingPlan plan, int n, int m) {
        int layers = plan.largestFitting(n, m, 0);
        if (layers < 0) {
            return null;
        }
        double capacity = fleet.capacity(n, m, 0, layers);
        Footprint f = fleet.footprint(n, m, 0);
        return new Choice(n, 0, layers, capacity, capacity / f.option().parallelSlots(), f.gpuBytes(layers), 0,
                overFloor(m, layers));
    }

    /** Places model m on node n, evicting unpinned runners when needed (pins may evict any of them). */
    private Choice placeOn(WorkingPlan plan, int n, int m, boolean anyVictim) {
        Choice c = bestFit(plan, n, m, 0);
        if (c == null) {
            c = afterEviction(plan, n, m, anyVictim);
            if (c != null) {
                evictUntilFits(plan, n, m, anyVictim, !c.overFloor);
            }
        }
        if (c != null) {
            plan.add(new WorkingPlan.Runner(n, m, c.option, c.layers));
        }
        return c;
    }

    /** The option of model m with the highest speed (capped at its demand) that fits node n as it is. */
    private Choice bestFit(WorkingPlan plan, int n, int m, double lost) {
        Choice best = null;
        for (int o = 0; o < fleet.optionCount(m); o++) {
            int layers = plan.largestFitting(n, m, o);
            if (layers < 0) {
                continue;
            }
            if (layers > 0 && overFloorModel(m)) {
                // One GPU layer is what keeps it within the floor: take the fewest that fit, so that the GPU
                // leaves room for the other models over the floor; grow() gives it the rest afterwards.
                int[] counts = fleet.footprint(n, m, o).fittingLayerCounts(plan.vramLeft(n), plan.ramLeft(n),
                        fleet.maxGpuLayers(n, m));
                for (int l : counts) {
                    layers = l > 0 ? l : layers;
                }
            }
            double capacity = fleet.capacity(n, m, o, layers);
            double score = fleet.demand[m] > 0 ? Math.min(fleet.demand[m], capacity) : capacity;
            Footprint f = fleet.footprint(n, m, o);
            best = better(best, new Choice(n, o, layers, score, capacity / f.option().parallelSlots(),
                    f.gpuBytes(layers), lost, overFloor(m, layers)));
        }
        return best;
    }

    /**
     * What fits on node n once its least valuable spare runners are gone, and what they served alone: the first
     * fit within the admin's CPU-only floor, else the first fit at all.
     */
    private Choice afterEviction(WorkingPlan plan, int n, int m, boolean anyVictim) {
        WorkingPlan trial = plan.copy();
        double lost = 0;
        Choice firstFit = null;
        for (WorkingPlan.Runner victim : victims(trial, n, anyVictim)) {
            trial.remove(victim);
            lost += standalone(victim);
            Choice c = bestFit(trial, n, m, lost);
            if (c != null && !c.overFloor) {
                return c;
            }
            firstFit = firstFit == null ? c : firstFit;
        }
        return firstFit;
    }

    /** Evicts as {@link #afterEviction} chose: until the model fits, and with a GPU layer when that was found. */
    private void evictUntilFits(WorkingPlan plan, int n, int m, boolean anyVictim, boolean withinFloor) {
        for (WorkingPlan.Runner victim : victims(plan, n, anyVictim)) {
            Choice fit = bestFit(plan, n, m, 0);
            if (fit != null && (!withinFloor || !fit.overFloor)) {
                return;
            }
            plan.remove(victim);
            notes.model(fleet.models[victim.model()].modelId(), fleet.nodes[n].nodeId() + ": made room for "
                    + fleet.models[m].modelId());
        }
    }

    /** Unpinned runners of node n, least valuable first; unless any may go, only those of over-covered models. */
    private List<WorkingPlan.Runner> victims(WorkingPlan plan, int n, boolean anyVictim) {
        List<WorkingPlan.Runner> victims = new ArrayList<>();
        for (WorkingPlan.Runner r : plan.on(n)) {
            boolean spare = plan.replicas(r.model()) > fleet.models[r.model()].requiredReplicas();
            boolean frozen = fleet.frozen(n, r.model(), r.option(), r.layers());
            if (!fleet.pinned(n, r.model()) && !frozen && (anyVictim || spare)) {
                victims.add(r);
            }
        }
        victims.sort(Comparator.comparingDouble(this::standalone).thenComparing(WorkingPlan.ORDER));
        return victims;
    }

    /** A CPU-only runner of a model whose file is larger than the admin's CPU-only floor. */
    private boolean overFloor(int m, int layers) {
        return layers == 0 && overFloorModel(m);
    }

    private boolean overFloorModel(int m) {
        return fleet.models[m].fileBytes() > fleet.problem.settings().cpuOnlyFloorBytes();
    }

    private double standalone(WorkingPlan.Runner r) {
        return Math.min(fleet.demand[r.model()], fleet.capacity(r.node(), r.model(), r.option(), r.layers()));
    }

    /**
     * Within the admin's CPU-only floor (it ranks above served throughput), then less lost, then higher score, then faster per request (where every choice serves the whole demand, a
     * replica wholly on an idle GPU beats a CPU-only one with many slots), then less VRAM, then lower node and
     * option.
     */
    private static Choice better(Choice a, Choice b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        Comparator<Choice> order = Comparator.comparing((Choice c) -> c.overFloor)
                .thenComparingDouble(c -> c.lost).thenComparingDouble(c -> -c.score)
                .thenComparingDouble(c -> -c.requestSpeed).thenComparingLong(c -> c.gpuBytes)
                .thenComparingInt(c -> c.node).thenComparingInt(c -> c.option);
        return order.compare(a, b) <= 0 ? a : b;
    }
}
