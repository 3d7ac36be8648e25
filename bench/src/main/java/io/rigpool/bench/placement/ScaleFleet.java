package io.rigpool.bench.placement;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.ModelSpec;
import io.rigpool.planner.placement.NodeSpec;
import io.rigpool.planner.placement.PlacementProblem;
import io.rigpool.planner.placement.PlacementSettings;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.planner.placement.simulation.SimulatedFleet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The scale case: 1,000 gaming PCs and 100 models (copies of the eight real shapes under distinct ids), each PC
 * holding 20 of them, Zipf-like demand (30,000 / rank^0.7 tok/s: more than the fleet can serve). Seeded, so every
 * run plans the same problem.
 */
final class ScaleFleet {

    private static final String[] CARDS = {"RTX 3060", "RTX 3070", "RTX 3080", "RTX 4060", "RTX 4070", "RTX 4090"};
    private static final int[] CARD_GB = {12, 8, 10, 8, 12, 24};

    private ScaleFleet() {
    }

    static PlacementProblem problem(int nodeCount, int modelCount, long seed) {
        Random rnd = new Random(seed);
        List<RealModelShape> shapes = RealModelShapes.all();
        List<SlotLayout> options = SimulatedFleet.options();
        List<ModelSpec> models = new ArrayList<>();
        for (int m = 0; m < modelCount; m++) {
            RealModelShape shape = shapes.get(m % shapes.size());
            String id = String.format(java.util.Locale.ROOT, "%s-%03d", shape.name().toLowerCase(java.util.Locale.ROOT), m);
            List<Footprint> footprints = new ArrayList<>();
            for (SlotLayout o : options) {
                footprints.add(SimulatedFleet.footprint(shape, o).withModelId(id));
            }
            double demand = 30_000.0 / Math.pow(m + 1, 0.7);
            models.add(new ModelSpec(id, footprints, demand, 0, shape.tensorBytes()));
        }
        List<NodeSpec> nodes = new ArrayList<>();
        for (int n = 0; n < nodeCount; n++) {
            int card = rnd.nextInt(CARDS.length);
            GpuSpec spec = RtxCards.byName(CARDS[card], CARD_GB[card] * SimulatedFleet.GIB).orElseThrow();
            long desktop = (300 + rnd.nextInt(1200)) * (1L << 20);
            long ram = (16L << 30) * (1 + rnd.nextInt(4));
            Set<String> held = new HashSet<>();
            while (held.size() < 20) {
                held.add(models.get(rnd.nextInt(modelCount)).modelId());
            }
            nodes.add(new NodeSpec(String.format(java.util.Locale.ROOT, "pc-%04d", n),
                    spec.vramBytes() - desktop - SimulatedFleet.RESERVE, ram - SimulatedFleet.OWNER_RAM,
                    spec.bandwidthBytesPerSecond(), (40 + rnd.nextInt(50)) * 1e9, true, held, null, ""));
        }
        return PlacementProblem.fresh(nodes, models, PlacementSettings.defaults());
    }
}
