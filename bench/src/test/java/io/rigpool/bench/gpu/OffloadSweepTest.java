package io.rigpool.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OffloadSweepTest {

    @Test
    void sweepsFromNoneToEveryLayerWithTheOutputLayer() {
        // llama.cpp counts the output layer: 32 blocks offload fully at n_gpu_layers 33.
        assertEquals(List.of(0, 33, 16, 8, 24, 32), GpuOffloadBenchmark.sweep(32));
        assertEquals(List.of(0, 49, 24, 12, 36, 48), GpuOffloadBenchmark.sweep(48));
    }

    @Test
    void readsTheCudaDevicesAndTheCpuOnlyWarning() {
        CudaLogLines cuda = CudaLogLines.parse(List.of(
                "ggml_cuda_init: found 1 CUDA devices:",
                "  Device 0: NVIDIA H100 80GB HBM3, compute capability 9.0, VMM: no",
                "load_tensors: offloaded 33/33 layers to GPU"));
        assertEquals(List.of("NVIDIA H100 80GB HBM3, compute capability 9.0, VMM: no"), cuda.devices());
        assertFalse(cuda.noUsableGpu());

        CudaLogLines cpu = CudaLogLines.parse(List.of(
                "warning: no usable GPU found, --gpu-layers option will be ignored"));
        assertTrue(cpu.devices().isEmpty());
        assertTrue(cpu.noUsableGpu());
    }

    @Test
    void findsTheDatasheetBandwidthOfRtxAndDataCentreCards() {
        assertEquals(1008, GpuBandwidths.datasheet("NVIDIA GeForce RTX 4090", 24L << 30).orElseThrow().gbps());
        assertEquals(3350, GpuBandwidths.datasheet("NVIDIA H100 80GB HBM3", 80L << 30).orElseThrow().gbps());
        assertEquals(4800, GpuBandwidths.datasheet("NVIDIA H200", 141L << 30).orElseThrow().gbps());
        assertTrue(GpuBandwidths.datasheet("Some Other GPU", 0).isEmpty());
    }
}
