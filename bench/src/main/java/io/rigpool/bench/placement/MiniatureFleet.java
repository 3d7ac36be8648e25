package io.rigpool.bench.placement;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Footprints;
import io.rigpool.planner.placement.ModelSpec;
import io.rigpool.planner.placement.NodeSpec;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.planner.placement.simulation.SimulatedFleet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Cases small enough for the exhaustive optimiser: three real models cut to their first six layers (every
 * per-layer shape, vocabulary and cache stays real), runners of one or two slots, and three PCs with real
 * bandwidths whose VRAM is scaled down with the models so that the same trade-offs bind.
 */
final class MiniatureFleet {

    static final int LAYERS = 6;
    static final String LLAMA = "Llama-3.1-8B-Instruct-Q4_K_M";
    static final String QWEN = "Qwen2.5-7B-Instruct-Q4_K_M";
    static final String PHI = "Phi-3-mini-4k-instruct-Q4_K_M";

    private MiniatureFleet() {
    }

    static List<SlotLayout> options() {
        return List.of(new SlotLayout(1, 4096), new SlotLayout(2, 8192));
    }

    static ModelSpec model(String shapeName, double demand) {
        RealModelShape shape = RealModelShapes.byName(shapeName).withBlockCount(LAYERS);
        List<Footprint> footprints = new ArrayList<>();
        for (SlotLayout o : options()) {
            footprints.add(Footprints.estimated(new MemoryEstimator(), SimulatedFleet.geometry(shape), shape.name(),
                    o, LoadParameters.defaults(o.contextSize()), Footprints.Measurements.NONE));
        }
        return new ModelSpec(shape.name(), footprints, demand, 0, shape.tensorBytes());
    }

    /** Three PCs: an RTX 4060, a 3080 and a 4090's bandwidths with 1.6, 2.4 and 3.6 GiB for rigpool. */
    static List<NodeSpec> nodes() {
        List<NodeSpec> nodes = new ArrayList<>();
        String[] cards = {"RTX 4060", "RTX 3080", "RTX 4090"};
        int[] cardGb = {8, 10, 24};
        double[] vramGib = {1.6, 2.4, 3.6};
        double[] ramGib = {3, 4, 6};
        double[] cpu = {60, 50, 85};
        Set<String> all = Set.of(name(LLAMA), name(QWEN), name(PHI));
        for (int i = 0; i < cards.length; i++) {
            GpuSpec spec = RtxCards.byName(cards[i], cardGb[i] * SimulatedFleet.GIB).orElseThrow();
            long vram = Math.round(vramGib[i] * SimulatedFleet.GIB);
            nodes.add(new NodeSpec("mini-" + (i + 1), vram, Math.round(ramGib[i] * SimulatedFleet.GIB),
                    spec.bandwidthBytesPerSecond(), cpu[i] * 1e9, true, all, null, ""));
        }
        return nodes;
    }

    static String name(String shapeName) {
        return RealModelShapes.byName(shapeName).withBlockCount(LAYERS).name();
    }
}
