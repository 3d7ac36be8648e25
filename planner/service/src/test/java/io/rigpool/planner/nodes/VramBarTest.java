package io.rigpool.planner.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.planner.models.VramBreakdown;
import io.rigpool.planner.nodes.FleetSnapshot.VramSegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class VramBarTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void aCardSplitsIntoRunnersOtherProcessesReserveAndFree() {
        VramBreakdown runner = new VramBreakdown("measured", 1500 * MIB, 256 * MIB, 300 * MIB, 384 * MIB, 0);
        long free = 12 * GIB - runner.totalBytes() - GIB;
        VramBar.Result bar = VramBar.of(12 * GIB, free, 512 * MIB, List.of(new VramBar.Held("m", runner)));

        assertEquals(runner.totalBytes(), bar.ourBytes());
        assertEquals(GIB, bar.otherBytes(), "the owner's game is what the driver counts and we do not");
        assertEquals(List.of("weights", "kv_cache", "compute", "cuda_context", "other_processes", "reserve", "free"),
                bar.segments().stream().map(VramSegment::kind).toList());
        assertEquals(12 * GIB, bar.segments().stream().mapToLong(VramSegment::bytes).sum());
        assertEquals(free - 512 * MIB, bytes(bar, "free"));
        assertEquals(Math.round(1500.0 * MIB / (12 * GIB) * 10_000) / 100.0, percent(bar, "weights"));
        assertNull(bar.note());
    }

    @Test
    void estimatesAboveWhatTheCardUsesNeverOverflowTheBar() {
        VramBreakdown runner = new VramBreakdown("estimated", 6 * GIB, GIB, GIB, 0, 0);
        VramBar.Result bar = VramBar.of(8 * GIB, 4 * GIB, 0, List.of(new VramBar.Held("m", runner)));

        assertEquals(0, bar.otherBytes());
        double sum = bar.segments().stream().mapToDouble(VramSegment::percent).sum();
        assertTrue(sum <= 100.01, "percentages add up to " + sum);
        assertTrue(bar.note().contains("4.00 GiB more"), bar.note());
    }

    @Test
    void freeMemoryBelowTheReserveIsShownAsReserveAndSaid() {
        VramBar.Result bar = VramBar.of(8 * GIB, 256 * MIB, GIB, List.of());

        assertEquals(256 * MIB, bytes(bar, "reserve"));
        assertEquals(0, bytes(bar, "free"));
        assertEquals(8 * GIB - 256 * MIB, bar.otherBytes());
        assertTrue(bar.note().contains("0.75 GiB below the reserve"), bar.note());
    }

    @Test
    void approximateRunnersShowKvCacheAndComputeAsOne() {
        VramBreakdown runner = new VramBreakdown("approximate", GIB, 0, 0, 384 * MIB, 700 * MIB);
        VramBar.Result bar = VramBar.of(12 * GIB, 8 * GIB, 0, List.of(new VramBar.Held("m", runner)));

        assertEquals(700 * MIB, bytes(bar, "kv_cache_and_compute"));
        assertEquals("approximate", bar.segments().get(0).basis());
        assertEquals("m", bar.segments().get(0).modelId());
    }

    private static long bytes(VramBar.Result bar, String kind) {
        return bar.segments().stream().filter(s -> s.kind().equals(kind)).mapToLong(VramSegment::bytes).sum();
    }

    private static double percent(VramBar.Result bar, String kind) {
        return bar.segments().stream().filter(s -> s.kind().equals(kind)).mapToDouble(VramSegment::percent).sum();
    }
}
