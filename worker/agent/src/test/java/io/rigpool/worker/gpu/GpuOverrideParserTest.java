package io.rigpool.worker.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.Gpu;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuOverrideParserTest {

    private static final long GIB = 1024L * 1024 * 1024;

    @Test
    void freeDefaultsToTotal() {
        assertEquals(List.of(Gpu.newBuilder().setIndex(0).setName("RTX 4060").setTotalBytes(8 * GIB)
                .setFreeBytes(8 * GIB).build()), GpuOverrideParser.parse("RTX 4060:8GiB"));
    }

    @Test
    void readsSeveralGpusWithFreeMemoryAndUnits() {
        List<Gpu> gpus = GpuOverrideParser.parse("RTX 3060:12GiB:9GiB, RTX 2070 Super : 8192MiB : 6000 MiB,x:8GB");

        assertEquals(3, gpus.size());
        assertEquals(12 * GIB, gpus.get(0).getTotalBytes());
        assertEquals(9 * GIB, gpus.get(0).getFreeBytes());
        assertEquals(3 * GIB, gpus.get(0).getUsedBytes());
        assertEquals("RTX 2070 Super", gpus.get(1).getName());
        assertEquals(1, gpus.get(1).getIndex());
        assertEquals(8192L * 1024 * 1024, gpus.get(1).getTotalBytes());
        assertEquals(6000L * 1024 * 1024, gpus.get(1).getFreeBytes());
        assertEquals(8_000_000_000L, gpus.get(2).getTotalBytes());
    }

    @Test
    void nothingConfiguredIsNoGpu() {
        assertEquals(List.of(), GpuOverrideParser.parse(" "));
    }

    @Test
    void aWrongEntryIsNamed() {
        assertMessage("'RTX 4060' is not name:total[:free]", "RTX 4060");
        assertMessage("'eight' in 'RTX 4060:eight' is not a size", "RTX 4060:eight");
        assertMessage("'RTX 3060:8GiB:12GiB' has more free than total memory", "RTX 4060:8GiB, RTX 3060:8GiB:12GiB");
    }

    private static void assertMessage(String expected, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuOverrideParser.parse(spec));
        assertTrue(e.getMessage().startsWith("rigpool.worker.gpus: ") && e.getMessage().contains(expected),
                e.getMessage());
    }
}
