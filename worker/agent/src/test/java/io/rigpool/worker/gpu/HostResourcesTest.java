package io.rigpool.worker.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HostResourcesTest {

    @Test
    void readsMeminfoInBytes() {
        String meminfo = """
                MemTotal:       24575900 kB
                MemFree:         1000000 kB
                MemAvailable:   22000000 kB
                """;

        assertEquals(OptionalLong.of(24_575_900L * 1024), HostResources.parseMeminfo(meminfo, "MemTotal"));
        assertEquals(OptionalLong.of(22_000_000L * 1024), HostResources.parseMeminfo(meminfo, "MemAvailable"));
        assertEquals(OptionalLong.empty(), HostResources.parseMeminfo(meminfo, "SwapTotal"));
    }

    @Test
    void thisMachineHasRamAndThreads() {
        assertTrue(HostResources.ramTotalBytes() >= HostResources.ramFreeBytes());
        assertTrue(HostResources.ramFreeBytes() > 0);
        assertTrue(HostResources.cpuThreads() >= 1);
    }
}
