package io.rigpool.planner.placement;

import java.util.List;

/**
 * What a plan does to the fleet beyond serving demand: the objective's terms after served throughput, and one
 * figure the benchmark reports beside them.
 *
 * @param cpuOnlyFloorBreaches CPU-only runners of models whose file is larger than the admin's floor
 * @param idleVramBytes VRAM held by runners that serve nothing
 * @param idleRamBytes RAM held by runners that serve nothing
 * @param offGpuTps tokens per second served, each weighted by the share of its runner's layers left on the CPU:
 *     0 when everything served comes from runners wholly on a GPU, the served total when all of it is CPU-only
 * @param busiestNodeShare the least share of the busiest node's memory time that still serves what the plan
 *     serves (0..1; see {@link Headroom}); for plans judged by the greedy allotment, that allotment's share
 * @param requestTps the tokens per second one request sees (its runner's speed with every slot busy, divided by
 *     the slots), averaged over the tokens each runner serves
 * @param idleGpusWhileOffGpu nodes with a GPU budget that run nothing while some served model runs partly or wholly
 *     on a CPU (reported, not ranked: the other terms imply it)
 */
public record PlanQuality(int cpuOnlyFloorBreaches, long idleVramBytes, long idleRamBytes, double offGpuTps,
        double busiestNodeShare, double requestTps, int idleGpusWhileOffGpu) {

    /** Served below this (tokens per second) is nothing: the program's round-off. */
    static final double NOTHING_SERVED = 1e-6;

    public static final PlanQuality NONE = new PlanQuality(0, 0, 0, 0, 0, 0, 0);

    public long idleBytes() {
        return idleVramBytes + idleRamBytes;
    }

    /** @param exact spread the headroom by its program, else take the allotment's own node time (scale mode) */
    static PlanQuality measure(Fleet fleet, List<WorkingPlan.Runner> runners, Allotment allotment, boolean exact) {
        int count = runners.size();
        int[] node = new int[count];
        int[] model = new int[count];
        double[] capacity = new double[count];
        double[] served = new double[fleet.modelCount()];
        double[] runnerServed = new double[count];
        long idleVram = 0;
        long idleRam = 0;
        double offGpu = 0;
        double requestWeighted = 0;
        double total = 0;
        boolean anyOffGpu = false;
        boolean[] busy = new boolean[fleet.nodeCount()];
        for (int i = 0; i < count; i++) {
            WorkingPlan.Runner r = runners.get(i);
            Footprint f = fleet.footprint(r);
            node[i] = r.node();
            model[i] = r.model();
            capacity[i] = fleet.capacity(r.node(), r.model(), r.option(), r.layers());
            busy[r.node()] = true;
            double s = allotment.served(i);
            runnerServed[i] = s;
            if (s <= NOTHING_SERVED) {
                idleVram += f.gpuBytes(r.layers());
                idleRam += f.cpuBytes(r.layers());
                continue;
            }
            served[r.model()] += s;
            total += s;
            double cpuShare = 1 - (double) r.layers() / f.fullOffload();
            offGpu += s * cpuShare;
            anyOffGpu |= cpuShare > 0;
            requestWeighted += s * capacity[i] / f.option().parallelSlots();
        }
        int idleGpus = 0;
        if (anyOffGpu) {
            for (int n = 0; n < fleet.nodeCount(); n++) {
                NodeSpec spec = fleet.nodes[n];
                if (!busy[n] && spec.schedulable() && spec.gpuOffload() && spec.vramBudget() > 0) {
                    idleGpus++;
                }
            }
        }
        double busiest = exact ? Headroom.spread(node, model, capacity, served, fleet.nodeCount()).busiest()
                : Headroom.allotted(node, capacity, runnerServed, fleet.nodeCount());
        return new PlanQuality(cpuOnlyFloorBreaches(fleet, runners), idleVram, idleRam, offGpu, busiest,
                total <= 0 ? 0 : requestWeighted / total, idleGpus);
    }

    static int cpuOnlyFloorBreaches(Fleet fleet, List<WorkingPlan.Runner> runners) {
        long floor = fleet.problem.settings().cpuOnlyFloorBytes();
        int breaches = 0;
        for (WorkingPlan.Runner r : runners) {
            if (r.layers() == 0 && fleet.models[r.model()].fileBytes() > floor) {
                breaches++;
            }
        }
        return breaches;
    }
}
