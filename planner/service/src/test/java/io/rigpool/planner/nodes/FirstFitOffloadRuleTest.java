package io.rigpool.planner.nodes;

import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static io.rigpool.planner.nodes.FakeWorker.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.Assignment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FirstFitOffloadRuleTest {

    private final FirstFitOffloadRule rule = new FirstFitOffloadRule(4096, 1);

    @Test
    void allLayersWhenTheFileFitsTheShareWhenItDoesNotNoneWithoutAGpu() {
        var gpu = new FirstFitOffloadRule.Capacity("gpu", 8 * GIB, true, List.of(model("m", 16 * GIB, 31)));
        Assignment partial = rule.place(List.of(gpu), Map.of()).get("gpu").get(0);
        assertEquals(16, partial.getNGpuLayers(), "half of 32 layers for half the bytes");

        var roomy = new FirstFitOffloadRule.Capacity("gpu", 24 * GIB, true, List.of(model("m", 16 * GIB, 31)));
        assertEquals(32, rule.place(List.of(roomy), Map.of()).get("gpu").get(0).getNGpuLayers());

        var cpu = new FirstFitOffloadRule.Capacity("cpu", 0, false, List.of(model("m", 16 * GIB, 31)));
        Assignment none = rule.place(List.of(cpu), Map.of()).get("cpu").get(0);
        assertEquals(0, none.getNGpuLayers());
        assertTrue(none.getReason().contains("CPU"), none.getReason());
    }

    @Test
    void eachModelRunsOnceOnTheHolderWithTheMostFreeVram() {
        var small = new FirstFitOffloadRule.Capacity("a", 6 * GIB, true, List.of(model("m", 4 * GIB, 15)));
        var large = new FirstFitOffloadRule.Capacity("b", 10 * GIB, true, List.of(model("m", 4 * GIB, 15)));
        Map<String, List<Assignment>> plan = rule.place(List.of(small, large), Map.of());
        assertEquals(List.of(), plan.get("a"));
        assertEquals("m", plan.get("b").get(0).getModelId());
    }

    @Test
    void aPlacedModelStaysWhereItIsWhenABetterNodeJoins() {
        var a = new FirstFitOffloadRule.Capacity("a", 6 * GIB, true, List.of(model("m", 4 * GIB, 15)));
        Map<String, List<Assignment>> first = rule.place(List.of(a), Map.of());
        var b = new FirstFitOffloadRule.Capacity("b", 20 * GIB, true, List.of(model("m", 4 * GIB, 15)));
        Map<String, List<Assignment>> second = rule.place(List.of(a, b), first);
        assertEquals(first.get("a"), second.get("a"));
        assertEquals(List.of(), second.get("b"));
    }
}
