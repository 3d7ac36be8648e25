package io.rigpool.worker.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.proto.v1.Gpu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuDiscoveryTest {

    private static final long GIB = 1L << 30;
    private static final String NO_NVIDIA_SMI = "/nonexistent/nvidia-smi";

    @TempDir
    Path temp;

    @Test
    void theGpuFileIsReadAgainOnEveryCallAndABrokenVersionKeepsTheLastGoodOne() throws Exception {
        Path file = Files.writeString(temp.resolve("gpus"), "# the owner's card\nRTX 3060:12GiB:10GiB\n");
        GpuDiscovery discovery = new GpuDiscovery(NO_NVIDIA_SMI, Optional.of("ignored:1GiB"), Optional.of(file));

        assertEquals(10 * GIB, discovery.discover().get(0).getFreeBytes());
        Files.writeString(file, "RTX 3060:12GiB:2GiB");
        assertEquals(2 * GIB, discovery.discover().get(0).getFreeBytes(), "the owner started a game");
        Files.writeString(file, "RTX 3060:twelve");
        assertEquals(2 * GIB, discovery.discover().get(0).getFreeBytes(), "a broken file keeps the last reading");
    }

    @Test
    void cardsFromTheRtxTableGetTheirBandwidthOthersZero() {
        GpuDiscovery discovery = new GpuDiscovery(NO_NVIDIA_SMI,
                Optional.of("NVIDIA GeForce RTX 3060:12GiB, RTX 3060:8GiB, Some Card:4GiB"), Optional.empty());

        List<Gpu> gpus = discovery.discover();

        assertEquals(360.0, gpus.get(0).getBandwidthGbps(), "the 12 GB 3060");
        assertEquals(240.0, gpus.get(1).getBandwidthGbps(), "the 8 GB 3060");
        assertEquals(0.0, gpus.get(2).getBandwidthGbps(), "unknown");
        assertEquals("configuration (rigpool.worker.gpus)", discovery.source());
    }
}
