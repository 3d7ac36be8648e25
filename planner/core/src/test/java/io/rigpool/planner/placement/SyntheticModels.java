package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Small made-up models and fleets for property tests: few layers, so an exhaustive search can check the optimiser. */
final class SyntheticModels {

    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    private SyntheticModels() {
    }

    /**
     * A footprint laid out the way llama.cpp lays a model out: the last layers go to the GPU first, the output head
     * only on full offload, a GPU runtime and compute buffer as soon as any layer is there.
     */
    static Footprint footprint(String id, SlotLayout option, long[] layerBytes, long outputBytes,
            long kvPerLayerPerSlot, long compute) {
        int layers = layerBytes.length;
        long gpuRuntime = 300 * MIB;
        long cpuRuntime = 200 * MIB;
        long[] gpu = new long[layers + 2];
        long[] cpu = new long[layers + 2];
        long[] gpuReads = new long[layers + 2];
        long[] cpuReads = new long[layers + 2];
        Footprint.Basis[] basis = new Footprint.Basis[layers + 2];
        long kv = kvPerLayerPerSlot * option.parallelSlots();
        long allWeights = outputBytes * 2;
        for (long b : layerBytes) {
            allWeights += b;
        }
        for (int g = 0; g < layers + 2; g++) {
            int onGpu = Math.min(g, layers);
            long gpuWeights = 0;
            for (int i = layers - onGpu; i < layers; i++) {
                gpuWeights += layerBytes[i];
            }
            if (g > layers) {
                gpuWeights += outputBytes;
            }
            gpu[g] = g == 0 ? 0 : gpuWeights + kv * onGpu + compute + gpuRuntime;
            cpu[g] = allWeights - gpuWeights + kv * (layers - onGpu) + compute / 2 + cpuRuntime;
            gpuReads[g] = gpuWeights + kv * onGpu;
            cpuReads[g] = allWeights - outputBytes - gpuWeights + kv * (layers - onGpu);
            basis[g] = Footprint.Basis.ESTIMATED;
        }
        return new Footprint(id, option, layers, gpu, cpu, gpuReads, cpuReads, basis);
    }

    static ModelSpec model(String id, double demand, long[] layerBytes, long outputBytes, long kvPerLayerPerSlot,
            int... slotOptions) {
        List<Footprint> options = new ArrayList<>();
        long file = outputBytes * 2;
        for (long b : layerBytes) {
            file += b;
        }
        for (int slots : slotOptions) {
            options.add(footprint(id, new SlotLayout(slots, 2048 * slots), layerBytes, outputBytes,
                    kvPerLayerPerSlot, 200 * MIB));
        }
        return new ModelSpec(id, options, demand, 0, file);
    }

    static NodeSpec node(String id, long vram, long ram, double gpuGBps, double cpuGBps, String... models) {
        return new NodeSpec(id, vram, ram, gpuGBps * 1e9, cpuGBps * 1e9, vram > 0, Set.of(models), null, "");
    }

    /** Settings for property tests: any gain counts, loads cost little, the search runs to convergence. */
    static PlacementSettings exactSettings() {
        return PlacementSettings.defaults().withMinGain(1e-3, 0).withSearchRounds(20).withSearchBudget(10_000_000);
    }

    /** A random small problem: sizes chosen so that the exhaustive optimiser enumerates it in well under a second. */
    static PlacementProblem random(long seed) {
        Random rnd = new Random(seed);
        int modelCount = 2 + rnd.nextInt(2);
        int nodeCount = 2 + rnd.nextInt(2);
        List<ModelSpec> models = new ArrayList<>();
        for (int m = 0; m < modelCount; m++) {
            int layers = 2 + rnd.nextInt(2);
            long[] layerBytes = new long[layers];
            for (int i = 0; i < layers; i++) {
                layerBytes[i] = (200 + rnd.nextInt(1000)) * MIB;
            }
            double demand = rnd.nextInt(5) == 0 ? 0 : 5 + rnd.nextInt(300);
            int[] slots = rnd.nextBoolean() ? new int[] {1} : new int[] {1, 2};
            models.add(model("m" + m, demand, layerBytes, (100 + rnd.nextInt(400)) * MIB,
                    (20 + rnd.nextInt(200)) * MIB, slots));
        }
        List<NodeSpec> nodes = new ArrayList<>();
        for (int n = 0; n < nodeCount; n++) {
            Set<String> held = new HashSet<>();
            for (int m = 0; m < modelCount; m++) {
                if (rnd.nextInt(10) < 7) {
                    held.add("m" + m);
                }
            }
            long vram = rnd.nextInt(6) == 0 ? 0 : (1 + rnd.nextInt(6)) * GIB / 2 + rnd.nextInt(512) * MIB;
            long ram = (2 + rnd.nextInt(10)) * GIB;
            nodes.add(node("n" + n, vram, ram, 200 + rnd.nextInt(800), 20 + rnd.nextInt(60),
                    held.toArray(String[]::new)));
        }
        return PlacementProblem.fresh(nodes, models, exactSettings());
    }
}
