package io.rigpool.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.common.engines.LlamaServerLog;
import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.GpuDevice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The CPU logs and the load failure are real logs of java-llama.cpp 4.2.0 (llama.cpp b4916) on this project's
 * generated models; the CUDA log is made of the lines a b4916 CUDA build prints for a partly offloaded model.
 */
class LlamaLogParserTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void readsEveryBufferOfARealCpuLoad() throws IOException {
        LlamaLoadLog log = LlamaLogParser.parse(resource("cpu-b4916-tiny-q8_0.txt"));

        assertEquals(List.of(
                buffer("CPU_Mapped", BufferKind.BUFFER_KIND_MODEL, Math.round(2.63 * MIB)),
                buffer("CPU", BufferKind.BUFFER_KIND_OUTPUT, 0),
                buffer("CPU", BufferKind.BUFFER_KIND_KV, 4 * MIB),
                buffer("CPU", BufferKind.BUFFER_KIND_COMPUTE, Math.round(22.01 * MIB))), log.buffers());
        assertEquals("4916 (c6af2161)", log.build());
        assertEquals(0, log.layersOffloaded());
        assertEquals(0, log.layersTotal());
        assertFalse(log.gpuBackendPresent(), "a CPU-only library lists no GPU device");
        assertEquals(List.of(), log.errors(), "a clean load has no error lines");
        assertEquals(Optional.empty(), log.loadError());
    }

    @Test
    void readsTheBuffersOfLlamaServerWhoseLinesStartWithTimeAndLevel() throws IOException {
        // llama-server (llama.cpp of 2026-09-28, -lv 4) on the same tiny model, 1024 tokens of context in 2 slots.
        LlamaLoadLog log = LlamaLogParser.parse(resource("cpu-llama-server-de3ff81-tiny-q8_0.txt"));

        assertEquals(List.of(
                buffer("CPU_Mapped", BufferKind.BUFFER_KIND_MODEL, Math.round(2.63 * MIB)),
                buffer("CPU", BufferKind.BUFFER_KIND_OUTPUT, 0),
                buffer("CPU", BufferKind.BUFFER_KIND_KV, 2 * MIB),
                buffer("CPU", BufferKind.BUFFER_KIND_COMPUTE, Math.round(8.01 * MIB))), log.buffers());
        assertEquals(OptionalInt.of(42603), LlamaServerLog.listeningPort(resource("cpu-llama-server-de3ff81-tiny-q8_0.txt")));
        assertEquals(List.of(), log.errors(), "a clean load has no error lines");
        assertEquals(Optional.of(false), LlamaServerModel.flashAttention(resource(
                "cpu-llama-server-de3ff81-tiny-q8_0.txt")), "that load asked for flash attention off");
        assertEquals(Optional.of(true), LlamaServerModel.flashAttention(List.of(
                "0.00.007.837 I llama_context: flash_attn            = auto",
                "0.00.008.722 I resolve_fused_ops: Flash Attention enabled")), "auto, then what llama.cpp chose");
    }

    @Test
    void keepsTheRepackedModelBufferApartFromTheMappedOne() throws IOException {
        LlamaLoadLog log = LlamaLogParser.parse(resource("cpu-b4916-q4_0-repacked.txt"));

        long repacked = Math.round(0.74 * MIB);
        assertEquals(repacked, log.bytes(BufferKind.BUFFER_KIND_MODEL, "CPU_AARCH64"));
        assertEquals(repacked, log.bytes(BufferKind.BUFFER_KIND_MODEL, "CPU_Mapped"));
        assertEquals(2 * repacked, log.bytes(BufferKind.BUFFER_KIND_MODEL, "CPU"));
        assertEquals(1 * MIB, log.bytes(BufferKind.BUFFER_KIND_KV, "CPU"));
    }

    @Test
    void readsOffloadedLayersAndDeviceBuffersOfACudaBuild() throws IOException {
        LlamaLoadLog log = LlamaLogParser.parse(resource("cuda-b4916-format.txt"));

        assertEquals(20, log.layersOffloaded());
        assertEquals(33, log.layersTotal());
        assertEquals(List.of("CUDA0"), log.gpuDevices());
        assertTrue(log.gpuBackendPresent());
        assertEquals(LlamaLogParser.mibToBytes("2680.41"), log.bytes(BufferKind.BUFFER_KIND_MODEL, "CUDA0"));
        assertEquals(LlamaLogParser.mibToBytes("2004.89"), log.bytes(BufferKind.BUFFER_KIND_MODEL, "CPU"));
        assertEquals(320 * MIB, log.bytes(BufferKind.BUFFER_KIND_KV, "CUDA0"));
        assertEquals(192 * MIB, log.bytes(BufferKind.BUFFER_KIND_KV, "CPU"));
        assertEquals(LlamaLogParser.mibToBytes("669.48"), log.bytes(BufferKind.BUFFER_KIND_COMPUTE, "CUDA0"));
        assertEquals(LlamaLogParser.mibToBytes("16.01"), log.bytes(BufferKind.BUFFER_KIND_COMPUTE, "CUDA_Host"));
        assertEquals(LlamaLogParser.mibToBytes("0.49"), log.bytes(BufferKind.BUFFER_KIND_OUTPUT, "CUDA_Host"));
        assertEquals(7, log.buffers().size(), "the KV self size summary is not a buffer of its own");
        assertEquals(List.of(), log.errors(), "metadata that says 'error' is not an error");
    }

    @Test
    void theNoUsableGpuWarningMeansNoGpuBackendEvenWhenADeviceWasListed() throws IOException {
        List<String> lines = new ArrayList<>(resource("cuda-b4916-format.txt"));
        lines.add(0, "warning: no usable GPU found, --gpu-layers option will be ignored");
        lines.add(1, "warning: one possible reason is that llama.cpp was compiled without GPU support");

        LlamaLoadLog log = LlamaLogParser.parse(lines);

        assertFalse(log.gpuBackendPresent());
        assertEquals(List.of("warning: no usable GPU found, --gpu-layers option will be ignored",
                "warning: one possible reason is that llama.cpp was compiled without GPU support"), log.warnings());
    }

    @Test
    void namesTheRealReasonOfAFailedLoad() throws IOException {
        LlamaLoadLog log = LlamaLogParser.parse(resource("load-failure-truncated.txt"));

        assertEquals(Optional.of("tensor 'token_embd.weight' data is not within the file bounds, model is corrupted"
                + " or incomplete"), log.loadError());
        assertTrue(log.errors().size() >= 2, "the generic follow-up lines are kept as well: " + log.errors());
        assertEquals(List.of(), log.buffers());
    }

    @Test
    void fallsBackToTheFirstErrorLineWhenNoLoadErrorWasLogged() {
        LlamaLoadLog log = LlamaLogParser.parse(List.of(
                "ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer of size 17179869184",
                "llama_init_from_model: failed to initialize the context: failed to allocate buffer for kv cache"));

        assertEquals(Optional.of("ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer of size"
                + " 17179869184"), log.loadError());
    }

    @Test
    void readsTheOlderLogFormatToo() {
        LlamaLoadLog log = LlamaLogParser.parse(List.of(
                "llm_load_tensors: ggml ctx size =    0.37 MiB",
                "llm_load_tensors: offloaded 41/41 layers to GPU",
                "llm_load_tensors:        CPU buffer size =  1640.62 MiB",
                "llama_kv_cache_init:      CUDA0 KV buffer size =  1536.00 MiB"));

        assertEquals(List.of(
                buffer("CPU", BufferKind.BUFFER_KIND_MODEL, LlamaLogParser.mibToBytes("1640.62")),
                buffer("CUDA0", BufferKind.BUFFER_KIND_KV, 1536 * MIB)), log.buffers());
        assertEquals(41, log.layersOffloaded());
    }

    @Test
    void convertsTwoDecimalMibToTheNearestByte() {
        assertEquals(37_119_590L, LlamaLogParser.mibToBytes("35.40"), "35.40 MiB = 37119590.4 bytes");
        assertEquals(2_757_755L, LlamaLogParser.mibToBytes("2.63"), "2.63 MiB = 2757754.88 bytes");
        assertEquals(0L, LlamaLogParser.mibToBytes("0.00"));
        assertEquals(4_617_393_930L, LlamaLogParser.mibToBytes("4403.49"), "beyond int range");
    }

    private static DeviceBuffer buffer(String device, BufferKind kind, long bytes) {
        return DeviceBuffer.newBuilder().setDevice(device).setKind(kind).setBytes(bytes).build();
    }

    private static List<String> resource(String name) throws IOException {
        try (InputStream in = LlamaLogParserTest.class.getResourceAsStream("/llama-logs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void readsTheCudaDevicesAndTheirFreeMemoryFromGgmlCudaInitAndTheLoad() {
        LlamaLoadLog log = LlamaLogParser.parse(List.of(
                "ggml_cuda_init: GGML_CUDA_FORCE_MMQ:    no",
                "ggml_cuda_init: GGML_CUDA_FORCE_CUBLAS: no",
                "ggml_cuda_init: found 2 CUDA devices:",
                "  Device 0: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes",
                "  Device 1: NVIDIA GeForce RTX 3060, compute capability 8.6, VMM: yes",
                "llama_model_load_from_file_impl: using device CUDA0 (NVIDIA GeForce RTX 4090) - 23008 MiB free",
                "llama_model_load_from_file_impl: using device CUDA1 (NVIDIA GeForce RTX 3060) - 11800 MiB free",
                "load_tensors: offloaded 3/3 layers to GPU"));

        assertEquals(List.of("CUDA0", "CUDA1"), log.gpuDevices());
        assertEquals(2, log.cudaDevices().size());
        GpuDevice first = log.cudaDevices().get(0);
        assertEquals("CUDA0", first.getId());
        assertEquals("NVIDIA GeForce RTX 4090", first.getName());
        assertEquals("8.9", first.getComputeCapability());
        assertEquals(23008 * MIB, first.getFreeBytes());
        assertEquals("8.6", log.cudaDevices().get(1).getComputeCapability());
        assertTrue(log.gpuBackendPresent());
        assertEquals("", log.gpuInitError());
    }

    @Test
    void keepsWhyCudaDidNotComeUp() {
        LlamaLoadLog log = LlamaLogParser.parse(List.of(
                "ggml_cuda_init: failed to initialize CUDA: CUDA driver version is insufficient for CUDA runtime"
                        + " version",
                "warning: no usable GPU found, --gpu-layers option will be ignored"));

        assertEquals("CUDA driver version is insufficient for CUDA runtime version", log.gpuInitError());
        assertFalse(log.gpuBackendPresent());
        assertEquals(List.of(), log.cudaDevices());
    }
}
