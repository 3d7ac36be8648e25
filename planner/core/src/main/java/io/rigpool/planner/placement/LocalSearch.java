package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The optimiser's exact-mode search, every move judged by the full evaluation of the changed draft: adding the
 * best runner anywhere, then rounds of node rebuilds (drop runners of one node or of two together and refill), swaps
 * of two runners between nodes and {@link Reorder} moves. A move that changes a runner of the plan in force must gain the configured minimum; a
 * move among runners not yet loaded only has to be better.
 */
final class LocalSearch {

    private final Fleet fleet;
    private final PlanEvaluator evaluator;
    private final PlacementSettings settings;
    private final Additions additions;
    private final Reorder reorder;
    private final IdleGpuOffload idleGpus;
    private final PlanEvaluator.Score inForce;
    /** The fleet's whole demand, tokens per second: a draft serving it all leaves only the later terms to gain. */
    private final double totalDemand;

    /** A search with no plan in force to answer to (a fresh fleet, or a step tested on its own). */
    LocalSearch(Fleet fleet, PlanEvaluator evaluator) {
        this(fleet, evaluator, null);
    }

    /**
     * @param inForce the runners of the plan in force that still fit, as kept, or null: a draft that serves no more
     *     than they do must be worse than them on no term (see {@link #answersToThePlanInForce})
     */
    LocalSearch(Fleet fleet, PlanEvaluator evaluator, PlanEvaluator.Score inForce) {
        this.inForce = inForce;
        this.fleet = fleet;
        this.evaluator = evaluator;
        this.settings = fleet.problem.settings();
        this.additions = new Additions(fleet, evaluator);
        this.reorder = new Reorder(fleet, evaluator, additions);
        this.idleGpus = new IdleGpuOffload(fleet, evaluator, additions);
        double demand = 0;
        for (double d : fleet.demand) {
            demand += d;
        }
        this.totalDemand = demand;
    }

    /** Adds the best runner anywhere while one gains at least the minimum. */
    WorkingPlan fill(WorkingPlan plan) {
        PlanEvaluator.Score base = evaluator.score(plan);
        while (true) {
            Additions.Candidate best = null;
            for (int n = 0; n < fleet.nodeCount(); n++) {
                best = Additions.better(best, additions.bestAddition(plan, n, base));
            }
            // A gain must clear the minimum; coverage and the CPU-only floor rank above it and count at once.
            if (best == null || !best.score().beats(base, settings.minGainTps())
                    || !answersToThePlanInForce(best.score())) {
                return plan;
            }
            plan.add(best.runner());
            base = best.score();
        }
    }

    /** Rounds of node rebuilds and moves until none gains, the round limit, or the evaluation budget. */
    WorkingPlan improve(WorkingPlan plan) {
        PlanEvaluator.Score current = evaluator.score(plan);
        for (int round = 0; round < settings.searchRounds(); round++) {
            boolean changed = false;
            for (int n = 0; n < fleet.nodeCount(); n++) {
                if (!fleet.nodes[n].schedulable()) {
                    continue;
                }
                for (Supplier<List<WorkingPlan>> trial : trials(plan, n)) {
                    if (evaluator.solved() > settings.searchBudget()) {
                        return plan;
                    }
                    WorkingPlan accepted = null;
                    for (WorkingPlan t : trial.get()) {
                        PlanEvaluator.Score s = evaluator.score(t);
                        if (accepts(t, s, plan, current)) {
                            accepted = t;
                            current = s;
                            break;
                        }
                    }
                    if (accepted != null) {
                        plan = accepted;
                        changed = true;
                        break;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        return plan;
    }

    /**
     * The rule every kept draft meets, in the search and in the idle-GPU step alike: better on the objective, by the
     * churn margins when it keeps fewer of the running runners.
     */
    private boolean accepts(WorkingPlan draft, PlanEvaluator.Score score, WorkingPlan plan,
            PlanEvaluator.Score current) {
        boolean churn = kept(draft) < kept(plan);
        return score.beats(current, margin(churn, current), churn ? Objective.CHURN : Objective.TIE)
                && answersToThePlanInForce(score);
    }

    /**
     * A draft that serves no more than the plan in force (no more coverage, no fewer CPU-only runners over the
     * floor, no more tok/s) must be worse than it on no term of the objective, not only better on the first one
     * where they differ: a running fleet that gains an idle node, or whose runners could be shuffled, never trades
     * one term for another (headroom for per-request speed) in a change that serves nobody more. Compared with
     * the plan in force itself, not step by step, so the bands do not add up over the moves.
     */
    private boolean answersToThePlanInForce(PlanEvaluator.Score score) {
        if (inForce == null || Objective.servesMore(score, inForce, PlanEvaluator.noise(inForce))) {
            return true;
        }
        return !Objective.servesMore(inForce, score, PlanEvaluator.noise(score))
                && Objective.worseOnNoTerm(score, inForce, Objective.TIE);
    }

    /**
     * Puts idle GPUs to work for models with layers on a CPU ({@link IdleGpuOffload}), one accepted draft at a
     * time, by the same rule as {@link #improve}. Runs after it, outside its budget: a handful of drafts, each
     * accepted one strictly better on the objective, so it ends.
     */
    WorkingPlan useIdleGpus(WorkingPlan plan) {
        PlanEvaluator.Score current = evaluator.score(plan);
        for (int step = 0; step < fleet.nodeCount(); step++) {
            WorkingPlan accepted = null;
            for (Supplier<WorkingPlan> draft : idleGpus.drafts(plan, current, this::movable)) {
                WorkingPlan t = draft.get();
                if (t == null) {
                    continue;
                }
                PlanEvaluator.Score s = evaluator.score(t);
                if (accepts(t, s, plan, current)) {
                    accepted = t;
                    current = s;
                    break;
                }
            }
            if (accepted == null) {
                return plan;
            }
            plan = accepted;
        }
        return plan;
    }

    /**
     * Drafts to try around node {@code n}, built only when tried: each runner dropped, all dropped, this node and
     * each later one emptied together (which also moves runners between them), each runner making way for another
     * model; the nodes refilled after each. Pure additions are {@link #fill}'s, with its threshold.
     */
    private List<Supplier<List<WorkingPlan>>> trials(WorkingPlan plan, int n) {
        List<WorkingPlan.Runner> movable = movable(plan, n);
        List<Supplier<List<WorkingPlan>>> trials = new ArrayList<>();
        for (WorkingPlan.Runner r : movable) {
            trials.add(() -> {
                WorkingPlan t = plan.copy();
                t.remove(r);
                return List.of(additions.refill(carried(t, r.model(), evaluator.score(plan)), n));
            });
        }
        if (movable.size() > 1) {
            trials.add(() -> {
                WorkingPlan t = plan.copy();
                movable.forEach(t::remove);
                return List.of(additions.refill(t, n), compact(plan, n, movable));
            });
        }
        for (int other = n + 1; other < fleet.nodeCount(); other++) {
            List<WorkingPlan.Runner> there = movable(plan, other);
            int pairedWith = other;
            if (fleet.nodes[other].schedulable() && (!movable.isEmpty() || !there.isEmpty())) {
                trials.add(() -> {
                    WorkingPlan t = plan.copy();
                    movable.forEach(t::remove);
                    there.forEach(t::remove);
                    return List.of(additions.refill(t, n, pairedWith));
                });
            }
        }
        for (int other = 0; other < fleet.nodeCount(); other++) {
            if (other == n || !fleet.nodes[other].schedulable()) {
                continue;
            }
            int to = other;
            for (WorkingPlan.Runner r : movable) {
                trials.add(() -> move(plan, r, to));
                for (WorkingPlan.Runner q : other > n ? movable(plan, other) : List.<WorkingPlan.Runner>of()) {
                    trials.add(() -> r.model() != q.model() ? swap(plan, r, q) : exchange(plan, r, q));
                }
            }
        }
        for (WorkingPlan.Runner r : movable) {
            for (int m : fleet.eligible[n]) {
                WorkingPlan.Runner other = plan.runnerOf(n, m);
                if (m != r.model() && (other == null || movable.contains(other))) {
                    trials.add(() -> reorder.reorder(plan, r, m));
                }
            }
        }
        for (int m : fleet.eligible[n]) {
            if (!plan.hosts(n, m) && plan.replicas(m) > 0) {
                int model = m;
                trials.add(() -> spread(plan, n, model));
            }
        }
        for (int other = n + 1; other < fleet.nodeCount(); other++) {
            if (!fleet.nodes[other].schedulable()) {
                continue;
            }
            for (WorkingPlan.Runner r : movable) {
                for (WorkingPlan.Runner q : movable(plan, other)) {
                    if (r.model() != q.model()) {
                        trials.add(() -> rotate(plan, r, q));
                    }
                }
            }
        }
        return trials;
    }

    /**
     * A draft with a replica of model m dropped, its other replicas re-planned ({@link Additions#retune}) once the
     * plan serves all demand: two slots on the node left with m alone may then let another model take the dropped
     * replica's node, a change judged worse on headroom and per-request speed with the old options and so never
     * made. Only then, as every drop is tried and a retune costs an evaluation per option of each replica: while
     * demand is unmet the budget goes to moves that serve more.
     */
    private WorkingPlan carried(WorkingPlan draft, int m, PlanEvaluator.Score current) {
        return demandMet(current) ? additions.retune(draft, m) : draft;
    }

    /**
     * One more replica of model m on node n, its other replicas then re-planned ({@link Additions#retune}), once the
     * plan serves all demand: a replica added alone serves nothing (the others already carry the demand) and loses
     * on idle memory, while the three-way spread with one slot less elsewhere is better on headroom and per-request
     * speed. The new replica is tried at each option (one slot where the others carry most), with the most GPU layers
     * that fit.
     */
    private List<WorkingPlan> spread(WorkingPlan plan, int n, int m) {
        PlanEvaluator.Score current = evaluator.score(plan);
        if (!demandMet(current) || !fleet.isEligible(n, m)) {
            return List.of();
        }
        List<WorkingPlan> drafts = new ArrayList<>(fleet.optionCount(m));
        for (int o = 0; o < fleet.optionCount(m); o++) {
            int layers = plan.largestFitting(n, m, o);
            if (layers < 0) {
                continue;
            }
            WorkingPlan t = plan.copy();
            t.add(new WorkingPlan.Runner(n, m, o, layers));
            drafts.add(additions.retune(t, m));
        }
        return drafts;
    }

    /**
     * Three runners of two models change places: r and q swap, then a third runner of either model, on a third
     * node, makes way for the other model. Where one model holds two nodes and the other one, and the reverse
     * serves more, no single swap or reorder gains (each alone leaves a model short), only the two together. Tried
     * last, after every cheaper move around the node.
     */
    private List<WorkingPlan> rotate(WorkingPlan plan, WorkingPlan.Runner r, WorkingPlan.Runner q) {
        List<WorkingPlan> drafts = new ArrayList<>();
        for (WorkingPlan swapped : swap(plan, r, q)) {
            for (WorkingPlan.Runner s : swapped.runners()) {
                if (s.node() == r.node() || s.node() == q.node() || !movable(s)) {
                    continue;
                }
                if (s.model() == r.model() || s.model() == q.model()) {
                    int target = s.model() == r.model() ? q.model() : r.model();
                    WorkingPlan.Runner there = swapped.runnerOf(s.node(), target);
                    if (fleet.isEligible(s.node(), target) && (there == null || movable(there))) {
                        drafts.addAll(reorder.reorder(swapped, s, target));
                    }
                }
            }
        }
        return drafts;
    }

    private boolean demandMet(PlanEvaluator.Score score) {
        return score.served() >= totalDemand - PlanEvaluator.noise(score);
    }

    /**
     * A runner moves to another node, at its best option there, and both nodes are refilled: frees its node for a
     * model that needs it more (Llama leaving the 4090 for the idle 4060 so that Gemma runs wholly on the 4090).
     */
    private List<WorkingPlan> move(WorkingPlan plan, WorkingPlan.Runner r, int to) {
        if (plan.hosts(to, r.model()) || !fleet.isEligible(to, r.model())) {
            return List.of();
        }
        WorkingPlan t = plan.copy();
        t.remove(r);
        Additions.Candidate there = additions.bestOf(t, to, r.model(), evaluator.score(t));
        if (there == null) {
            return List.of();
        }
        t.add(there.runner());
        return List.of(additions.refill(t, r.node(), to));
    }

    /**
     * Two runners of different models on two nodes trade places, each at its best option there, and both nodes
     * are refilled: what greedy refilling misses when the first model placed takes the node the second needs
     * (Llama on the 3060 leaving Qwen partial on the 4060, where the other way round both run wholly on a GPU).
     * Tried twice: each at its most GPU layers that fit, and each at its fewest (then grown by the refill), for
     * when the model that comes in needs only a GPU layer to stay within the CPU-only floor and the card is worth
     * more to the node's other model.
     */
    private List<WorkingPlan> swap(WorkingPlan plan, WorkingPlan.Runner r, WorkingPlan.Runner q) {
        WorkingPlan t = plan.copy();
        t.remove(r);
        t.remove(q);
        if (t.hosts(r.node(), q.model()) || t.hosts(q.node(), r.model()) || !fleet.isEligible(r.node(), q.model())
                || !fleet.isEligible(q.node(), r.model())) {
            return List.of();
        }
        List<WorkingPlan> drafts = new ArrayList<>(2);
        for (boolean fewestLayers : new boolean[] {false, true}) {
            WorkingPlan d = t.copy();
            Additions.Candidate here = fit(d, r.node(), q.model(), fewestLayers);
            if (here == null) {
                continue;
            }
            d.add(here.runner());
            Additions.Candidate there = fit(d, q.node(), r.model(), fewestLayers);
            if (there == null) {
                continue;
            }
            d.add(there.runner());
            drafts.add(additions.refill(d, r.node(), q.node()));
        }
        return drafts;
    }

    /**
     * Two runners of the same model on two nodes exchange their options (slots and context), each with the most
     * layers that fit, or their options and layer counts both: the GPU layer and the single slot go to the node
     * whose GPU is faster, the slots to the CPU that reads faster, where refilling one node at a time keeps the
     * first choice it made.
     */
    private List<WorkingPlan> exchange(WorkingPlan plan, WorkingPlan.Runner r, WorkingPlan.Runner q) {
        List<WorkingPlan> drafts = new ArrayList<>(2);
        for (boolean layersToo : new boolean[] {false, true}) {
            WorkingPlan t = plan.copy();
            t.remove(r);
            t.remove(q);
            int here = layersToo ? q.layers() : t.largestFitting(r.node(), r.model(), q.option());
            int there = layersToo ? r.layers() : t.largestFitting(q.node(), q.model(), r.option());
            if (r.option() == q.option() && !layersToo || here < 0 || there < 0
                    || !t.fits(r.node(), r.model(), q.option(), here)) {
                continue;
            }
            t.add(new WorkingPlan.Runner(r.node(), r.model(), q.option(), here));
            if (!t.fits(q.node(), q.model(), r.option(), there)) {
                continue;
            }
            t.add(new WorkingPlan.Runner(q.node(), q.model(), r.option(), there));
            drafts.add(additions.refill(t, r.node(), q.node()));
        }
        return drafts;
    }

    private Additions.Candidate fit(WorkingPlan plan, int n, int m, boolean fewestLayers) {
        return fewestLayers ? additions.leanestOf(plan, n, m) : additions.bestOf(plan, n, m, evaluator.score(plan));
    }

    /**
     * The node's movable runners restarted at their smallest footprint, then grown by {@link #refill}: lets two
     * models share a node where taking the largest fit for the first leaves no room for the second.
     */
    private WorkingPlan compact(WorkingPlan plan, int n, List<WorkingPlan.Runner> movable) {
        WorkingPlan t = plan.copy();
        movable.forEach(t::remove);
        for (WorkingPlan.Runner r : movable) {
            WorkingPlan.Runner smallest = null;
            double least = Double.MAX_VALUE;
            for (int o = 0; o < fleet.optionCount(r.model()); o++) {
                Footprint f = fleet.footprint(n, r.model(), o);
                for (int layers : new int[] {0, t.largestFitting(n, r.model(), o)}) {
                    if (layers >= 0 && t.fits(n, r.model(), o, layers) && additions.share(n, f, layers) < least) {
                        least = additions.share(n, f, layers);
                        smallest = new WorkingPlan.Runner(n, r.model(), o, layers);
                    }
                }
            }
            if (smallest != null) {
                t.add(smallest);
            }
        }
        return additions.refill(t, n);
    }

    /** Whether the search may change a runner: not pinned, not within its dwell time. */
    private boolean movable(WorkingPlan.Runner r) {
        return !fleet.frozen(r.node(), r.model(), r.option(), r.layers()) && !fleet.pinned(r.node(), r.model());
    }

    /** Runners of node n the search may change: not pinned, not within their dwell time. */
    private List<WorkingPlan.Runner> movable(WorkingPlan plan, int n) {
        List<WorkingPlan.Runner> movable = new ArrayList<>();
        for (WorkingPlan.Runner r : plan.on(n)) {
            if (movable(r)) {
                movable.add(r);
            }
        }
        return movable;
    }

    /** A change to what runs now must pay for itself clearly; a change among new runners only has to win. */
    private double margin(boolean churn, PlanEvaluator.Score current) {
        if (churn) {
            return settings.minGainTps() + settings.minGainFraction() * current.value();
        }
        return PlanEvaluator.noise(current);
    }

    private int kept(WorkingPlan plan) {
        int kept = 0;
        for (WorkingPlan.Runner r : plan.runners()) {
            if (fleet.changeOf(r.node(), r.model(), r.option(), r.layers()) == PlannedInstance.Change.KEPT) {
                kept++;
            }
        }
        return kept;
    }


}
