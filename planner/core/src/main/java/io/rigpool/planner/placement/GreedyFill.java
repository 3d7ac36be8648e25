package io.rigpool.planner.placement;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The optimiser's scale mode: adds runners in order of the demand they would serve, with lazy re-evaluation (a
 * candidate's gain only shrinks as the draft fills, so the top of the queue is re-checked, not every entry). Gains
 * come from a running greedy allotment: node time left and demand unmet, rather than a full evaluation per move.
 */
final class GreedyFill {

    private record Candidate(int node, int model, int option, double gain, long gpuBytes) {
    }

    private final Fleet fleet;

    GreedyFill(Fleet fleet) {
        this.fleet = fleet;
    }

    void fill(WorkingPlan plan) {
        double[] timeLeft = new double[fleet.nodeCount()];
        Arrays.fill(timeLeft, 1);
        double[] unmet = fleet.demand.clone();
        allotExisting(plan, timeLeft, unmet);
        PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> {
            int byGain = Double.compare(b.gain, a.gain);
            if (byGain != 0) {
                return byGain;
            }
            int byBytes = Long.compare(a.gpuBytes, b.gpuBytes);
            if (byBytes != 0) {
                return byBytes;
            }
            int byNode = Integer.compare(a.node, b.node);
            if (byNode != 0) {
                return byNode;
            }
            int byModel = Integer.compare(a.model, b.model);
            return byModel != 0 ? byModel : Integer.compare(a.option, b.option);
        });
        for (int n = 0; n < fleet.nodeCount(); n++) {
            for (int m : fleet.eligible[n]) {
                if (plan.hosts(n, m) || unmet[m] <= 0) {
                    continue;
                }
                for (int o = 0; o < fleet.optionCount(m); o++) {
                    Candidate c = evaluate(plan, n, m, o, timeLeft, unmet);
                    if (c != null) {
                        queue.add(c);
                    }
                }
            }
        }
        double minGain = fleet.problem.settings().minGainTps();
        while (!queue.isEmpty() && queue.peek().gain > minGain) {
            Candidate top = queue.poll();
            if (plan.hosts(top.node, top.model)) {
                continue;
            }
            Candidate fresh = evaluate(plan, top.node, top.model, top.option, timeLeft, unmet);
            if (fresh == null || fresh.gain <= minGain) {
                continue;
            }
            if (!queue.isEmpty() && queue.comparator().compare(fresh, queue.peek()) > 0) {
                queue.add(fresh);
                continue;
            }
            int layers = plan.largestFitting(fresh.node, fresh.model, fresh.option);
            plan.add(new WorkingPlan.Runner(fresh.node, fresh.model, fresh.option, layers));
            allot(fresh.node, fresh.model, fleet.capacity(fresh.node, fresh.model, fresh.option, layers), timeLeft,
                    unmet);
        }
    }

    private Candidate evaluate(WorkingPlan plan, int n, int m, int o, double[] timeLeft, double[] unmet) {
        int layers = plan.largestFitting(n, m, o);
        // No CPU-only runner over the admin's floor for throughput: coverage has placed the ones a model needs.
        if (layers < 0 || layers == 0 && fleet.models[m].fileBytes() > fleet.problem.settings().cpuOnlyFloorBytes()) {
            return null;
        }
        double capacity = fleet.capacity(n, m, o, layers);
        double gain = fleet.weight(n, m, o, layers) * Math.min(unmet[m], timeLeft[n] * capacity);
        return new Candidate(n, m, o, gain, fleet.footprint(n, m, o).gpuBytes(layers));
    }

    private void allotExisting(WorkingPlan plan, double[] timeLeft, double[] unmet) {
        for (WorkingPlan.Runner r : plan.runners()) {
            allot(r.node(), r.model(), fleet.capacity(r.node(), r.model(), r.option(), r.layers()), timeLeft, unmet);
        }
    }

    private static void allot(int node, int model, double capacity, double[] timeLeft, double[] unmet) {
        if (capacity <= 0 || unmet[model] <= 0 || timeLeft[node] <= 0) {
            return;
        }
        double t = Math.min(timeLeft[node], unmet[model] / capacity);
        timeLeft[node] -= t;
        unmet[model] -= t * capacity;
    }
}
