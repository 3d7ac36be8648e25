package io.rigpool.planner.console;

import io.rigpool.planner.nodes.FakeWorker;
import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.util.List;

/** Heartbeats of gaming PCs whose runners reported the buffers llama.cpp logged, for the admin page's tests. */
final class Heartbeats {

    static final long MIB = 1L << 20;
    static final long GIB = FakeWorker.GIB;
    /** rigpool.planner.runners.gpu-runtime's default: the CUDA context counted per runner. */
    static final long CUDA_CONTEXT = 384 * MIB;

    private Heartbeats() {
    }

    /** A ready runner of a 16-layer model, fully offloaded, that measured these buffers on CUDA0. */
    static LoadedModel measuredRunner(String modelId, long weights, long kvCache, long compute) {
        RunnerLoadReport report = RunnerLoadReport.newBuilder().setNGpuLayersRequested(17).setGpuBackendPresent(true)
                .setNCtx(4096).setParallelSlots(1).setCacheTypeK("f16").setCacheTypeV("f16").setNBatch(2048)
                .setNUbatch(512).setMmap(true).setLlamaCppBuild("b4916").setLayersOffloaded(17).setLayersTotal(17)
                .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_MODEL, weights))
                .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_KV, kvCache))
                .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_COMPUTE, compute))
                .addBuffers(buffer("CPU_Mapped", BufferKind.BUFFER_KIND_MODEL, 100 * MIB)).build();
        return LoadedModel.newBuilder().setModelId(modelId).setState(LoadState.LOAD_STATE_READY).setSlotsTotal(1)
                .setNGpuLayers(17).setNCtx(4096).setDecodeTps(42.5).setLoadReport(report).build();
    }

    /** What the runner holds on the card: its GPU buffers and the CUDA context. */
    static long held(LoadedModel runner) {
        return runner.getLoadReport().getBuffersList().stream().filter(b -> b.getDevice().startsWith("CUDA"))
                .mapToLong(DeviceBuffer::getBytes).sum() + CUDA_CONTEXT;
    }

    /**
     * A heartbeat of a one-card PC where other programs (the owner's game, the desktop) take {@code otherBytes}:
     * the driver's free VRAM is what neither they nor the runners hold.
     */
    static Heartbeat beat(String cardName, long totalBytes, long otherBytes, List<LoadedModel> runners) {
        long free = totalBytes - otherBytes - runners.stream().mapToLong(Heartbeats::held).sum();
        Gpu gpu = FakeWorker.gpu(cardName, totalBytes, free);
        return Heartbeat.newBuilder().addGpus(gpu).setRamFreeBytes(20 * GIB).addAllLoaded(runners).build();
    }

    private static DeviceBuffer buffer(String device, BufferKind kind, long bytes) {
        return DeviceBuffer.newBuilder().setDevice(device).setKind(kind).setBytes(bytes).build();
    }
}
