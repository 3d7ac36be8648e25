package io.rigpool.planner.placement.simulation;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.planner.estimate.ShapeGeometries;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Footprints;
import io.rigpool.planner.placement.ModelSpec;
import io.rigpool.planner.placement.NodeSpec;
import io.rigpool.planner.placement.SlotLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated fleet of the planner's benchmark and tests: twelve gaming PCs with the cards the issue names and
 * the real-shape model catalogue, footprints from the memory estimator. Not used by the running planner.
 */
public final class SimulatedFleet {

    public static final long GIB = 1L << 30;
    /** VRAM every PC keeps free for its owner beyond what the desktop holds. */
    public static final long RESERVE = GIB / 2;
    /** RAM the owner's OS and apps keep, beyond which rigpool may use the rest. */
    public static final long OWNER_RAM = 8 * GIB;
    /** Tokens of context per slot every runner gets. */
    public static final int CONTEXT_PER_SLOT = 4096;

    private static final Map<String, List<Footprint>> FOOTPRINTS = new ConcurrentHashMap<>();

    private SimulatedFleet() {
    }

    /** Two each of RTX 3060 12 GB, 3070 8 GB, 3080 10 GB, 4060 8 GB, 4070 12 GB and 4090 24 GB. */
    public static List<GamingPc> twelvePcs() {
        return List.of(
                pc("pc-01", "RTX 3060", 12, 0.6, 32, 45),
                pc("pc-02", "RTX 3060", 12, 1.1, 16, 40),
                pc("pc-03", "RTX 3070", 8, 0.5, 32, 48),
                pc("pc-04", "RTX 3070", 8, 0.9, 16, 40),
                pc("pc-05", "RTX 3080", 10, 0.7, 32, 50),
                pc("pc-06", "RTX 3080", 10, 1.2, 64, 55),
                pc("pc-07", "RTX 4060", 8, 0.4, 16, 60),
                pc("pc-08", "RTX 4060", 8, 0.8, 32, 70),
                pc("pc-09", "RTX 4070", 12, 0.6, 32, 70),
                pc("pc-10", "RTX 4070", 12, 1.0, 64, 80),
                pc("pc-11", "RTX 4090", 24, 0.9, 64, 85),
                pc("pc-12", "RTX 4090", 24, 1.4, 64, 90));
    }

    /**
     * The small fleet of issue 14: an RTX 4090 24 GB, an RTX 3060 12 GB and an RTX 4060 8 GB, each with 0.5 GB
     * held by the desktop, 32 GB of RAM and dual-channel DDR5.
     */
    public static List<GamingPc> threeCards() {
        return List.of(
                pc("pc-4090", "RTX 4090", 24, 0.5, 32, 60),
                pc("pc-3060", "RTX 3060", 12, 0.5, 32, 60),
                pc("pc-4060", "RTX 4060", 8, 0.5, 32, 60));
    }

    private static GamingPc pc(String name, String card, int vramGb, double desktopGb, int ramGb, double cpuGBps) {
        GpuSpec spec = RtxCards.byName(card, vramGb * GIB).orElseThrow();
        return new GamingPc(name, spec, Math.round(desktopGb * GIB), ramGb * GIB, cpuGBps);
    }

    /** A PC as the optimiser sees it: free VRAM less the reserve, RAM less the owner's share. */
    public static NodeSpec node(GamingPc pc, Set<String> models) {
        long vram = pc.freeVramBytes() - RESERVE;
        long ram = pc.ramBytes() - OWNER_RAM;
        return new NodeSpec(pc.name(), vram, ram, pc.card().bandwidthBytesPerSecond(), pc.cpuBandwidthGBps() * 1e9,
                true, models, null, String.format(java.util.Locale.ROOT, "%s, %.1f GiB free − %.1f GiB reserve",
                        pc.card().name(), pc.freeVramBytes() / (double) GIB, RESERVE / (double) GIB));
    }

    /** Every PC holding every catalogue model, except that 16 GB PCs skip Gemma-2-27B (no room to run it). */
    public static List<NodeSpec> nodes(List<GamingPc> pcs) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (GamingPc pc : pcs) {
            Set<String> held = new HashSet<>();
            for (RealModelShape shape : RealModelShapes.all()) {
                if (pc.ramBytes() > 16 * GIB || !shape.name().startsWith("gemma-2-27b")) {
                    held.add(shape.name());
                }
            }
            nodes.add(node(pc, held));
        }
        return nodes;
    }

    /** The slot layouts the optimiser chooses from: 1, 2 or 4 slots of {@value #CONTEXT_PER_SLOT} tokens. */
    public static List<SlotLayout> options() {
        return List.of(new SlotLayout(1, CONTEXT_PER_SLOT), new SlotLayout(2, 2 * CONTEXT_PER_SLOT),
                new SlotLayout(4, 4 * CONTEXT_PER_SLOT));
    }

    /** A catalogue model with the given demand, a footprint per option (computed once per JVM). */
    public static ModelSpec model(String shapeName, double demandTps, List<SlotLayout> options) {
        RealModelShape shape = RealModelShapes.byName(shapeName);
        List<Footprint> footprints = new ArrayList<>();
        for (SlotLayout option : options) {
            footprints.add(footprint(shape, option));
        }
        return new ModelSpec(shape.name(), footprints, demandTps, 0, shape.tensorBytes());
    }

    public static Footprint footprint(RealModelShape shape, SlotLayout option) {
        String key = shape.name() + "@" + option.parallelSlots() + "x" + option.contextSize();
        List<Footprint> cached = FOOTPRINTS.computeIfAbsent(key, k -> List.of(Footprints.estimated(
                new MemoryEstimator(), geometry(shape), shape.name(), option,
                LoadParameters.defaults(option.contextSize()), Footprints.Measurements.NONE)));
        return cached.get(0);
    }

    /** The model's geometry (see {@link ShapeGeometries}). */
    public static ModelGeometry geometry(RealModelShape shape) {
        return ShapeGeometries.of(shape);
    }
}
