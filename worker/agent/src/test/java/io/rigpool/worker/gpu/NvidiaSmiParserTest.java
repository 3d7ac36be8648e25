package io.rigpool.worker.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.Gpu;
import java.util.List;
import org.junit.jupiter.api.Test;

class NvidiaSmiParserTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void readsOneLinePerGpuWithMemoryInMib() {
        String output = """
                0, NVIDIA GeForce RTX 4060, GPU-5c2a9f7e-1c8e-2f7d-9b1a-3e4f5a6b7c8d, 8188, 1023, 6942, 550.54.14
                1, NVIDIA GeForce RTX 3060, GPU-0a1b2c3d-4e5f-6789-abcd-ef0123456789, 12288, 11500, 569, 550.54.14
                """;

        List<Gpu> gpus = NvidiaSmiParser.parse(output);

        assertEquals(2, gpus.size());
        assertEquals(Gpu.newBuilder().setIndex(0).setName("NVIDIA GeForce RTX 4060")
                .setUuid("GPU-5c2a9f7e-1c8e-2f7d-9b1a-3e4f5a6b7c8d").setTotalBytes(8188 * MIB)
                .setUsedBytes(1023 * MIB).setFreeBytes(6942 * MIB).setDriver("550.54.14").build(), gpus.get(0));
        assertEquals(1, gpus.get(1).getIndex());
        assertEquals(569 * MIB, gpus.get(1).getFreeBytes(), "free VRAM while the owner plays");
    }

    @Test
    void memoryTheDriverCannotReadCountsAsZero() {
        List<Gpu> gpus = NvidiaSmiParser.parse(
                "0, NVIDIA A100-SXM4-40GB MIG 1g.5gb, MIG-1234, [N/A], [N/A], [N/A], 535.104.05\n");

        assertEquals(0, gpus.get(0).getTotalBytes());
        assertEquals("MIG-1234", gpus.get(0).getUuid());
    }

    @Test
    void noGpuMeansAnEmptyList() {
        assertEquals(List.of(), NvidiaSmiParser.parse("\n"));
    }

    @Test
    void outputOfAnotherQueryIsRefusedWithTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NvidiaSmiParser.parse("NVIDIA GeForce RTX 4060, 8188 MiB\n"));
        assertTrue(e.getMessage().contains("2 columns, expected 7"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> NvidiaSmiParser.parse("0, RTX, GPU-1, lots, 1, 1, 550\n"));
        assertTrue(e.getMessage().contains("memory.total is not a number"), e.getMessage());
    }
}
