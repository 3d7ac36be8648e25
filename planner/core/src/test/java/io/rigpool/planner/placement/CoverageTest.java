package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Coverage} on its own, on hand-made drafts: pins first (evicting any unpinned runner), then each model's
 * required replicas wherever a node can hold them (evicting only spare replicas), a note naming each model short
 * of its replicas, and at the end one replica for idle models in memory nobody else wants.
 */
class CoverageTest {

    private static final long GIB = Draft.GIB;
    private static final Instant NOW = Instant.parse("2026-03-01T18:00:00Z");

    /** A GPU PC with room for several models. */
    private static NodeSpec gpu(String id, String... models) {
        return SyntheticModels.node(id, 8 * GIB, 16 * GIB, 900, 60, models);
    }

    /** A PC without a GPU whose RAM holds two of the models CPU-only (1,900 MiB each), not three. */
    private static NodeSpec cpu(String id, String... models) {
        return SyntheticModels.node(id, 0, 4 * GIB, 300, 30, models);
    }

    private static Draft draft(List<NodeSpec> nodes, ModelSpec... models) {
        return Draft.of(PlacementProblem.fresh(nodes, List.of(models), SyntheticModels.exactSettings()));
    }

    private static Coverage coverage(Draft d) {
        return new Coverage(d.fleet(), d.notes());
    }

    @Test
    void everyModelWithDemandGetsOneReplicaAndEachThatFitsNowhereIsNotedWithTheReason() {
        // c is held only by a PC whose 1 GiB of RAM cannot take it even CPU-only; e by no PC at all.
        NodeSpec tiny = SyntheticModels.node("tiny", 0, GIB, 300, 30, "a", "c");
        Draft d = draft(List.of(gpu("gpu", "a", "b", "d"), tiny), Draft.model("a", 5, 0), Draft.model("b", 5, 0),
                Draft.model("c", 5, 0), Draft.model("d", 0, 0), Draft.model("e", 5, 0));

        coverage(d).required(d.plan());

        assertEquals(1, d.plan().replicas(d.model("a")));
        assertEquals(1, d.plan().replicas(d.model("b")));
        assertEquals(0, d.plan().replicas(d.model("c")));
        assertEquals(0, d.plan().replicas(d.model("d")), "a model without demand needs no replica");
        assertEquals(0, d.plan().replicas(d.model("e")));
        assertNotNull(d.on("gpu", "a"));
        assertNotNull(d.on("gpu", "b"));
        List<String> nowhere = List.of("only 0 of 1 required replica(s): no other node can hold it");
        assertEquals(nowhere, d.notes().of("c"));
        assertEquals(nowhere, d.notes().of("e"));
        assertEquals(List.of(), d.notes().of("a"));
        assertEquals(List.of(), d.notes().of("b"));
    }

    @Test
    void anAdminsMinimumGetsOneReplicaPerNodeAsFarAsTheNodesGo() {
        Draft d = draft(List.of(gpu("one", "a", "b"), gpu("two", "a", "b")), Draft.model("a", 5, 2),
                Draft.model("b", 0, 3));

        coverage(d).required(d.plan());

        assertNotNull(d.on("one", "a"));
        assertNotNull(d.on("two", "a"));
        assertNotNull(d.on("one", "b"));
        assertNotNull(d.on("two", "b"));
        assertEquals(List.of(), d.notes().of("a"));
        assertEquals(List.of("only 2 of 3 required replica(s): no other node can hold it"), d.notes().of("b"));
    }

    @Test
    void aReplicaWithMemoryToSpareIsEvictedToMakeRoomForAModelWithNone() {
        // small is full with a and b; a has a second replica elsewhere, so its runner on small is spare.
        Draft d = draft(List.of(cpu("small", "a", "b", "c"), cpu("other", "a")), Draft.model("a", 5, 0),
                Draft.model("b", 5, 0), Draft.model("c", 5, 0));
        d.with(d.runner("small", "a", 0, 0)).with(d.runner("other", "a", 0, 0)).with(d.runner("small", "b", 0, 0));

        coverage(d).required(d.plan());

        assertEquals(List.of(d.runner("small", "b", 0, 0), d.runner("small", "c", 0, 0)),
                d.plan().on(d.node("small")));
        assertNotNull(d.on("other", "a"));
        assertEquals(List.of("small: made room for c"), d.notes().of("a"));
    }

    @Test
    void aSpareReplicaWithinItsDwellTimeOrPinnedIsNotEvicted() {
        ModelSpec a = Draft.model("a", 5, 0);
        PlacementProblem problem = PlacementProblem.fresh(List.of(cpu("small", "a", "b", "c"), cpu("other", "a")),
                List.of(a, Draft.model("b", 5, 0), Draft.model("c", 5, 0)), SyntheticModels.exactSettings());
        PlacementProblem dwelling = problem.withCurrent(List.of(Draft.running("small", a, 0, 0, NOW)), NOW);
        PlacementProblem pinned = problem.withPins(List.of(new Pin("a", "small")));
        for (PlacementProblem p : List.of(dwelling, pinned)) {
            String which = p == dwelling ? "within its dwell time" : "pinned";
            Draft d = Draft.of(p);
            d.with(d.runner("small", "a", 0, 0)).with(d.runner("other", "a", 0, 0))
                    .with(d.runner("small", "b", 0, 0));

            coverage(d).required(d.plan());

            assertNotNull(d.on("small", "a"), which);
            assertNull(d.on("small", "c"), which);
            assertEquals(List.of("only 0 of 1 required replica(s): no other node can hold it"), d.notes().of("c"),
                    which);
        }
    }

    @Test
    void aModelsOnlyReplicaIsNeverEvictedForAnother() {
        Draft d = draft(List.of(cpu("small", "a", "b", "c")), Draft.model("a", 5, 0), Draft.model("b", 5, 0),
                Draft.model("c", 5, 0));
        d.with(d.runner("small", "a", 0, 0)).with(d.runner("small", "b", 0, 0));

        coverage(d).required(d.plan());

        assertNotNull(d.on("small", "a"));
        assertNotNull(d.on("small", "b"));
        assertNull(d.on("small", "c"));
        assertEquals(List.of("only 0 of 1 required replica(s): no other node can hold it"), d.notes().of("c"));
    }

    @Test
    void aPinPutsItsModelOnItsNodeEvenOverTheOnlyReplicaOfAnother() {
        NodeSpec one = SyntheticModels.node("small", 0, 2 * GIB, 300, 30, "a", "b");
        Draft d = Draft.of(PlacementProblem.fresh(List.of(one, gpu("big", "a")),
                List.of(Draft.model("a", 5, 0), Draft.model("b", 5, 0)), SyntheticModels.exactSettings())
                .withPins(List.of(new Pin("a", "small"))));
        d.with(d.runner("small", "b", 0, 0));

        coverage(d).pins(d.plan());

        assertEquals(List.of(d.runner("small", "a", 0, 0)), d.plan().on(d.node("small")),
                "pinned to the CPU-only PC although the GPU PC is faster");
        assertEquals(List.of("small: made room for a"), d.notes().of("b"));
        assertEquals(List.of(), d.notes().plan);
    }

    @Test
    void aPinThatCannotBeHonouredIsNotedWithTheReason() {
        NodeSpec one = SyntheticModels.node("small", 0, GIB, 300, 30, "a");
        Draft d = Draft.of(PlacementProblem.fresh(List.of(one, gpu("big", "a")),
                List.of(Draft.model("a", 5, 0), Draft.model("b", 5, 0)), SyntheticModels.exactSettings())
                .withPins(List.of(new Pin("a", "small"), new Pin("b", "big"), new Pin("a", "gone"),
                        new Pin("x", "big"))));

        coverage(d).pins(d.plan());

        assertEquals(0, d.plan().size());
        assertEquals(List.of("pin a → gone not honoured: node not connected",
                "pin a → small not honoured: needs 1900 MiB RAM even CPU-only; node's budget is 1024 MiB",
                "pin b → big not honoured: node does not hold the file",
                "pin x → big not honoured: model unknown"), d.notes().plan);
    }

    @Test
    void anIdleModelGetsOneReplicaWithoutEvictingAnyoneOnTheFasterOfTwoEquallyCheapIdleGpus() {
        // i and j have no demand; j is held only by a PC already full.
        NodeSpec slow = SyntheticModels.node("slow", 8 * GIB, 16 * GIB, 300, 30, "i");
        Draft d = draft(List.of(cpu("full", "a", "b", "j"), slow, gpu("fast", "i")), Draft.model("a", 5, 0),
                Draft.model("b", 5, 0), Draft.model("i", 0, 0), Draft.model("j", 0, 0));
        d.with(d.runner("full", "a", 0, 0)).with(d.runner("full", "b", 0, 0));
        List<WorkingPlan.Runner> before = d.plan().runners();

        coverage(d).idle(d.plan());

        assertEquals(d.runner("fast", "i"), d.on("fast", "i"), "whole on the GPU");
        assertEquals(1, d.plan().replicas(d.model("i")));
        assertEquals(0, d.plan().replicas(d.model("j")));
        assertTrue(d.plan().runners().containsAll(before), "nobody evicted");
        assertEquals(before.size() + 1, d.plan().size());
        assertEquals("where it holds the least of an owner's memory, 2400 MiB of RAM and VRAM; slow would hold"
                + " 2400 MiB, within 64 MiB: faster per request (" + Reasons.tps(d.fleet().capacity(d.node("fast"),
                        d.model("i"), 0, 5)) + " against " + Reasons.tps(d.fleet().capacity(d.node("slow"),
                        d.model("i"), 0, 5)) + ")", d.notes().runner("fast", "i"));
    }

    @Test
    void anIdleModelsReplicaGoesWhereItHoldsTheLeastOfAnOwnersMemory() {
        // On "tight" it fits only in part, which holds 100 MiB more (a CPU compute buffer beside the GPU's); on
        // "busy" it fits whole, beside a runner of a, on a slower GPU.
        ModelSpec idle = partialHoldsMore("i");
        NodeSpec tight = SyntheticModels.node("tight", 1200 * Draft.MIB, 16 * GIB, 900, 60, "i");
        NodeSpec busy = SyntheticModels.node("busy", 8 * GIB, 16 * GIB, 300, 30, "a", "i");
        Draft d = draft(List.of(tight, busy), Draft.model("a", 5, 0), idle);
        d.with("busy", "a");

        coverage(d).idle(d.plan());

        assertEquals(d.runner("busy", "i"), d.on("busy", "i"), "whole, beside a");
        assertNull(d.on("tight", "i"));
        assertEquals("where it holds the least of an owner's memory, 2400 MiB of RAM and VRAM; tight would hold"
                + " 2500 MiB", d.notes().runner("busy", "i"));
    }

    @Test
    void amongEquallyCheapPlacementsAnIdleModelTakesAGpuThatRunsNothingElseThenAnyGpuThenAPcsRam() {
        NodeSpec busy = SyntheticModels.node("busy", 8 * GIB, 16 * GIB, 900, 60, "a", "i");
        NodeSpec idleGpu = SyntheticModels.node("idle-gpu", 8 * GIB, 16 * GIB, 300, 30, "i");
        Draft d = draft(List.of(busy, idleGpu, cpu("cpu", "i")), Draft.model("a", 5, 0), Draft.model("i", 0, 0));
        d.with("busy", "a");

        coverage(d).idle(d.plan());

        assertEquals(d.runner("idle-gpu", "i"), d.on("idle-gpu", "i"), "the slower GPU, but nothing else runs there");
        assertTrue(d.notes().runner("idle-gpu", "i").endsWith("busy would hold 2400 MiB, within 64 MiB: the VRAM"
                + " of a GPU that runs nothing else before a GPU beside other runners"), d.notes().runner("idle-gpu",
                        "i"));

        // CPU-only holds less (1,900 MiB: no GPU runtime, one compute buffer), but a GPU has room: there.
        Draft cpuOrGpu = draft(List.of(cpu("cpu", "i"), busy), Draft.model("a", 5, 0), Draft.model("i", 0, 0));
        cpuOrGpu.with("busy", "a");
        coverage(cpuOrGpu).idle(cpuOrGpu.plan());
        assertEquals(cpuOrGpu.runner("busy", "i"), cpuOrGpu.on("busy", "i"));

        // No GPU with room: the PC's RAM, and the decided-by reason of the plan says where and why.
        PlacementProblem onlyCpus = PlacementProblem.fresh(List.of(cpu("small", "i"),
                SyntheticModels.node("large", 0, 16 * GIB, 300, 40, "i")), List.of(Draft.model("i", 0, 0)),
                SyntheticModels.exactSettings());
        Placement plan = new DemandAwareOptimiser().place(onlyCpus);
        assertEquals(1, plan.runners().size());
        assertEquals("large", plan.runners().get(0).nodeId(), "as cheap as small, and faster");
        assertTrue(plan.instances().get(0).reason().contains("decided by availability: the one replica of a model"
                + " nobody asks for now, in memory no one else wanted, where it holds the least of an owner's memory,"
                + " 1900 MiB of RAM and VRAM; small would hold 1900 MiB, within 64 MiB: faster per request ("),
                plan.instances().get(0).reason());
    }

    /**
     * Draft.model's shape, except that a partial offload keeps a full compute buffer in RAM as well as the GPU's, as
     * llama.cpp does: 2,500 MiB of RAM and VRAM with 1 to 4 layers on the GPU, 2,400 MiB whole, 1,900 CPU-only.
     */
    private static ModelSpec partialHoldsMore(String id) {
        Footprint f = Draft.model(id, 0, 0).options().get(0);
        int levels = f.fullOffload() + 1;
        long[] gpu = new long[levels];
        long[] cpu = new long[levels];
        long[] gpuReads = new long[levels];
        long[] cpuReads = new long[levels];
        Footprint.Basis[] basis = new Footprint.Basis[levels];
        for (int l = 0; l < levels; l++) {
            gpu[l] = f.gpuBytes(l);
            cpu[l] = f.cpuBytes(l) + (l > 0 && l < f.fullOffload() ? 100 * Draft.MIB : 0);
            gpuReads[l] = f.gpuReads(l);
            cpuReads[l] = f.cpuReads(l);
            basis[l] = f.basis(l);
        }
        Footprint partial = new Footprint(id, f.option(), f.layers(), gpu, cpu, gpuReads, cpuReads, basis);
        return new ModelSpec(id, List.of(partial), 0, 0, Draft.model(id, 0, 0).fileBytes());
    }

    @Test
    void requiredReplicasOverTheFloorAreRepackedWithAGpuLayerWhereTheNodesCanHoldThemSo() {
        // Seed 273 under a 2 GiB floor: one replica at a time leaves model 2 (2.1 GiB) CPU-only on the PC whose
        // card is too small for a layer of it; model 1 moving to PC 0 and model 0 going CPU-only (within the floor)
        // to PC 2 give model 2 a GPU layer on PC 2.
        PlacementProblem problem = SyntheticModels.random(273);
        problem = problem.withSettings(problem.settings().withCpuOnlyFloor(2L << 30));
        Fleet fleet = new Fleet(problem);
        WorkingPlan plan = new WorkingPlan(fleet);
        new Coverage(fleet, new Notes()).required(plan);
        assertEquals(1, PlanQuality.cpuOnlyFloorBreaches(fleet, plan.runners()));

        WorkingPlan packed = new CoveragePacking(fleet).repackWithinFloor(plan);

        assertNotNull(packed);
        assertEquals(plan.coverage(), packed.coverage());
        assertEquals(0, PlanQuality.cpuOnlyFloorBreaches(fleet, packed.runners()));
        assertEquals(0, new DemandAwareOptimiser().place(problem).quality().cpuOnlyFloorBreaches());
    }
}
