package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.planner.placement.simulation.DemandMix;
import io.rigpool.planner.placement.simulation.SimulatedFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * On the twelve-PC fleet with real model shapes: an owner starts a game and a PC's free VRAM drops by 6 GB. The
 * very next plan lowers that PC's layers or moves its model away, and no other PC reloads anything.
 */
class ChurnTest {

    private static final long GB = 1_000_000_000L;
    private static final Instant NOW = Instant.parse("2026-03-01T18:00:00Z");

    private final DemandAwareOptimiser optimiser = new DemandAwareOptimiser();

    @Test
    void aGameTakingSixGigabytesChangesOnlyThatPc() {
        for (DemandMix mix : DemandMix.all()) {
            PlacementProblem problem = fleetProblem(mix);
            Placement stable = optimiser.place(problem);
            // The plan has been running for an hour: nothing is protected by its dwell time.
            PlacementProblem running = problem.withCurrent(PlacementPropertiesTest.running(stable,
                    NOW.minus(Duration.ofHours(1))), NOW);
            String gamer = busiestGpuNode(stable);
            List<NodeSpec> nodes = new ArrayList<>();
            for (NodeSpec n : problem.nodes()) {
                nodes.add(n.nodeId().equals(gamer) ? new NodeSpec(n.nodeId(), n.vramBudget() - 6 * GB, n.ramBudget(),
                        n.gpuBandwidth(), n.cpuBandwidth(), n.gpuOffload(), n.models(), null, "game started") : n);
            }
            // The heartbeat that reports the drop re-plans that PC; the others may only gain runners.
            Placement after = optimiser.place(running.withNodes(nodes).withScope(ChangeScope.only(Set.of(gamer))));

            String context = mix.name() + ": " + gamer + " before " + stable.on(gamer) + ", after " + after.on(gamer);
            long gpuAfter = after.on(gamer).stream().mapToLong(PlannedInstance::gpuBytes).sum();
            assertTrue(gpuAfter <= nodes.stream().filter(n -> n.nodeId().equals(gamer)).findFirst().orElseThrow()
                    .vramBudget(), context);
            assertFalse(after.on(gamer).equals(stable.on(gamer)), "the gamer's PC must change: " + context);
            for (NodeSpec n : problem.nodes()) {
                if (n.nodeId().equals(gamer)) {
                    continue;
                }
                Set<Instance> before = Set.copyOf(stable.on(n.nodeId()).stream().map(PlannedInstance::instance)
                        .toList());
                Set<Instance> now = after.on(n.nodeId()).stream().map(PlannedInstance::instance)
                        .collect(Collectors.toSet());
                assertTrue(now.containsAll(before), mix.name() + ": " + n.nodeId() + " reloaded: " + before + " → "
                        + now);
                assertTrue(after.on(n.nodeId()).stream().filter(i -> before.contains(i.instance()))
                        .allMatch(i -> i.change() == PlannedInstance.Change.KEPT), context);
            }
        }
    }

    @Test
    void anUnchangedFleetReplansToTheSamePlanForEveryMix() {
        for (DemandMix mix : DemandMix.all()) {
            PlacementProblem problem = fleetProblem(mix);
            Placement first = optimiser.place(problem);
            Placement again = optimiser.place(problem.withCurrent(PlacementPropertiesTest.running(first,
                    NOW.minus(Duration.ofHours(1))), NOW));
            assertEquals(first.runners(), again.runners(), mix.name());
        }
    }

    static PlacementProblem fleetProblem(DemandMix mix) {
        List<ModelSpec> models = new ArrayList<>();
        mix.tokensPerSecond().forEach((id, tps) -> models.add(SimulatedFleet.model(id, tps,
                SimulatedFleet.options())));
        return PlacementProblem.fresh(SimulatedFleet.nodes(SimulatedFleet.twelvePcs()), models,
                PlacementSettings.defaults());
    }

    /** The PC whose runners hold the most VRAM: where a game hurts most. */
    private static String busiestGpuNode(Placement plan) {
        return plan.instances().stream().collect(Collectors.groupingBy(PlannedInstance::nodeId,
                Collectors.summingLong(PlannedInstance::gpuBytes))).entrySet().stream()
                .max(java.util.Map.Entry.<String, Long>comparingByValue().thenComparing(java.util.Map.Entry::getKey,
                        java.util.Comparator.reverseOrder())).orElseThrow().getKey();
    }
}
