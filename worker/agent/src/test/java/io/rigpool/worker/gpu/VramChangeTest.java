package io.rigpool.worker.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.Gpu;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VramChangeTest {

    private static final long MIB = 1024L * 1024;
    private static final long THRESHOLD = 256 * MIB;

    @Test
    void aGameStartingIsSignificantAndSmallDriftIsNot() {
        List<Gpu> idle = List.of(gpu("RTX 3060", 11_000 * MIB));

        assertEquals(Optional.empty(), VramChange.significant(idle, List.of(gpu("RTX 3060", 10_800 * MIB)), THRESHOLD));
        Optional<String> game = VramChange.significant(idle, List.of(gpu("RTX 3060", 3_000 * MIB)), THRESHOLD);
        assertEquals(Optional.of("free VRAM of GPU 0 (RTX 3060) went from 11000 MiB to 3000 MiB"), game);
        assertTrue(VramChange.significant(idle, List.of(gpu("RTX 3060", 11_256 * MIB)), THRESHOLD).isPresent(),
                "memory coming back counts too (the owner quit the game)");
    }

    @Test
    void aGpuAppearingOrChangingIsSignificant() {
        List<Gpu> one = List.of(gpu("RTX 3060", 11_000 * MIB));

        assertTrue(VramChange.significant(one, List.of(), THRESHOLD).isPresent());
        assertTrue(VramChange.significant(one, List.of(gpu("RTX 4090", 11_000 * MIB)), THRESHOLD).isPresent());
    }

    private static Gpu gpu(String name, long free) {
        return Gpu.newBuilder().setName(name).setTotalBytes(12_288 * MIB).setFreeBytes(free).build();
    }
}
