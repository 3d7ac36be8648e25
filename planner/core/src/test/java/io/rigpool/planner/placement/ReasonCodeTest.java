package io.rigpool.planner.placement;

import static io.rigpool.planner.placement.SyntheticModels.GIB;
import static io.rigpool.planner.placement.SyntheticModels.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every runner's reason carries the code of what kept it and the figures its prose gives. */
class ReasonCodeTest {

    private static final long[] FOUR_LAYERS = {500 * MIB, 500 * MIB, 500 * MIB, 500 * MIB};
    private final DemandAwareOptimiser optimiser = new DemandAwareOptimiser();

    @Test
    void eachTermOfTheObjectiveHasTheCodeOfItsName() {
        Set<ReasonCode> codes = EnumSet.noneOf(ReasonCode.class);
        for (ObjectiveTerm term : ObjectiveTerm.values()) {
            assertEquals(term.name(), ReasonCode.decidedBy(term).name());
            codes.add(ReasonCode.decidedBy(term));
        }
        assertEquals(ObjectiveTerm.values().length, codes.size());
    }

    @Test
    void theCodeSaysWhatTheProseSaysAndTheFiguresAreTheRunners() {
        List<PlannedInstance> runners = new ArrayList<>();
        NodeSpec pc = SyntheticModels.node("pc", 3 * GIB, 12 * GIB, 800, 50, "hot", "cold");
        runners.addAll(place(List.of(pc), List.of(model("hot", 300), model("cold", 5))).instances());
        List<NodeSpec> three = List.of(SyntheticModels.node("a", 4 * GIB, 8 * GIB, 900, 50, "m", "n"),
                SyntheticModels.node("b", 4 * GIB, 8 * GIB, 300, 50, "m"),
                SyntheticModels.node("c", 4 * GIB, 8 * GIB, 300, 50, "m"));
        ModelSpec pinned = new ModelSpec("m", model("m", 0).options(), 0, 2, 3 * GIB);
        runners.addAll(optimiser.place(PlacementProblem.fresh(three, List.of(pinned, model("n", 50)),
                PlacementSettings.defaults()).withPins(List.of(new Pin("m", "c")))).instances());
        runners.addAll(place(List.of(SyntheticModels.node("idle", 0, 16 * GIB, 300, 40, "i")),
                List.of(model("i", 0))).instances());

        Set<ReasonCode> seen = EnumSet.noneOf(ReasonCode.class);
        for (PlannedInstance r : runners) {
            seen.add(r.reasonCode());
            assertTrue(r.reason().contains(prose(r.reasonCode())), r.reasonCode() + ": " + r.reason());
            assertEquals((double) r.gpuBytes(), r.figures().get("gpu_bytes"), r.figures().toString());
            assertEquals((double) r.cpuBytes(), r.figures().get("cpu_bytes"), r.figures().toString());
            assertEquals(r.servedTps(), r.figures().get("served_tps"), r.figures().toString());
            assertEquals((double) r.instance().gpuLayers(), r.figures().get("n_gpu_layers"), r.figures().toString());
            boolean byTerm = r.reasonCode().ordinal() < ObjectiveTerm.values().length;
            assertEquals(byTerm, r.figures().keySet().stream().anyMatch(k -> k.endsWith("_without")),
                    r.reasonCode() + ": " + r.figures());
        }
        assertTrue(seen.contains(ReasonCode.AVAILABILITY), seen.toString());
        assertTrue(seen.stream().anyMatch(c -> c.ordinal() < ObjectiveTerm.values().length), seen.toString());
    }

    private static String prose(ReasonCode code) {
        return switch (code) {
            case ADMIN_PIN -> "decided by the admin's pin";
            case KEPT_AS_IT_RUNS -> "kept as it runs";
            case NO_SINGLE_TERM -> "no term decided alone";
            case AVAILABILITY -> "decided by availability";
            default -> "decided by " + ObjectiveTerm.valueOf(code.name()).label();
        };
    }

    private Placement place(List<NodeSpec> nodes, List<ModelSpec> models) {
        return optimiser.place(PlacementProblem.fresh(nodes, models, PlacementSettings.defaults()));
    }

    private static ModelSpec model(String id, double demand) {
        return SyntheticModels.model(id, demand, FOUR_LAYERS, 300 * MIB, 40 * MIB, 1, 2);
    }
}
