package io.rigpool.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanHistoryTest {

    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

    @Test
    void eachEntrySaysWhatChangedAgainstThePlanBeforeIt() {
        PlanHistory.StoredPlan v3 = plan(3, "node b: its free memory changed",
                "{\"a\":{\"assignments\":[{\"modelId\":\"m\",\"nGpuLayers\":17,\"nCtx\":4096,\"parallelSlots\":1}]},"
                        + "\"b\":{\"assignments\":[{\"modelId\":\"n\",\"nGpuLayers\":9,\"nCtx\":8192,"
                        + "\"parallelSlots\":2}]}}",
                "{\"served_tps\":42.123,\"coverage\":2,\"models\":[{\"demand_tps\":30},{\"demand_tps\":20}]}");
        PlanHistory.StoredPlan v2 = plan(2, "node b connected",
                "{\"a\":{\"assignments\":[{\"modelId\":\"m\",\"nGpuLayers\":17,\"nCtx\":4096,\"parallelSlots\":1}]},"
                        + "\"b\":{\"assignments\":[{\"modelId\":\"n\",\"nGpuLayers\":13,\"nCtx\":8192,"
                        + "\"parallelSlots\":2},{\"modelId\":\"o\",\"nCtx\":4096,\"parallelSlots\":1}]}}",
                null);
        PlanHistory.StoredPlan v1 = plan(1, "node a connected",
                "{\"a\":{\"assignments\":[{\"modelId\":\"m\",\"nGpuLayers\":17,\"nCtx\":4096,\"parallelSlots\":1}]}}",
                "{}");

        List<PlanHistory.Entry> entries = PlanHistory.of(List.of(v3, v2, v1), 2);

        assertEquals(2, entries.size(), "the third plan is only the base of the second");
        PlanHistory.Entry latest = entries.get(0);
        assertEquals(3, latest.planVersion());
        assertEquals(42.12, latest.servedTps());
        assertEquals(50.0, latest.demandTps());
        assertEquals(2, latest.runners());
        assertEquals(List.of(), latest.added());
        assertEquals(List.of("n on b: 13 GPU layers, 2×4096 → 9 GPU layers, 2×4096"), latest.changed());
        assertEquals(List.of("o on b: 0 GPU layers, 1×4096"), latest.removed());
        assertEquals(List.of("n on b: 13 GPU layers, 2×4096", "o on b: 0 GPU layers, 1×4096"),
                entries.get(1).added());
    }

    @Test
    void theFirstPlanEverIsComparedWithAnEmptyFleet() {
        List<PlanHistory.Entry> entries = PlanHistory.of(List.of(plan(1, "node a connected",
                "{\"a\":{\"assignments\":[{\"modelId\":\"m\",\"nGpuLayers\":17,\"nCtx\":4096}]}}", "not json")), 10);

        assertEquals(List.of("m on a: 17 GPU layers, 1×4096"), entries.get(0).added());
        assertEquals(0.0, entries.get(0).servedTps());
    }

    private static PlanHistory.StoredPlan plan(long version, String trigger, String assignments, String details) {
        return new PlanHistory.StoredPlan(version, T.plusSeconds(version), trigger, assignments, details);
    }
}
