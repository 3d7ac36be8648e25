package io.rigpool.planner.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.GgmlType;
import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.planner.estimate.Device;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RunnerReportsTest {

    private static RunnerLoadReport.Builder report() {
        return RunnerLoadReport.newBuilder().setNGpuLayersRequested(20).setGpuBackendPresent(true).setNCtx(8192)
                .setParallelSlots(2).setCacheTypeK("q8_0").setCacheTypeV("f16").setNBatch(2048).setNUbatch(512)
                .setMmap(true).setLlamaCppBuild("b4916")
                .addBuffers(DeviceBuffer.newBuilder().setDevice("CUDA0").setKind(
                        io.rigpool.proto.v1.BufferKind.BUFFER_KIND_MODEL).setBytes(3_000_000_000L))
                .addBuffers(DeviceBuffer.newBuilder().setDevice("CPU_Mapped").setKind(
                        io.rigpool.proto.v1.BufferKind.BUFFER_KIND_MODEL).setBytes(1_500_000_000L))
                .addBuffers(DeviceBuffer.newBuilder().setDevice("CUDA0").setKind(
                        io.rigpool.proto.v1.BufferKind.BUFFER_KIND_KV).setBytes(500_000_000L));
    }

    @Test
    void aReportBecomesAMeasurementKeyedByItsLoadParameters() {
        MeasuredBuffers m = RunnerReports.measured("llama", report().build(), Instant.EPOCH).orElseThrow();
        LoadParameters expected = LoadParameters.defaults(8192).withGpuLayers(20).withParallelSlots(2)
                .withCacheTypes(GgmlType.Q8_0, GgmlType.F16);
        assertEquals(new MeasuredBuffers.Key("llama", expected), m.key());
        assertEquals(3_500_000_000L, m.bytes(Device.GPU, BufferKind.MODEL) + m.bytes(Device.GPU, BufferKind.KV));
        assertEquals(1_500_000_000L, m.bytes(Device.CPU, BufferKind.MODEL));
        assertEquals(3_500_000_000L, RunnerReports.gpuBufferBytes(report().build()));
    }

    @Test
    void aLibraryWithoutGpuBackendMeasuredACpuOnlyLoad() {
        MeasuredBuffers m = RunnerReports.measured("llama", report().setGpuBackendPresent(false).build(),
                Instant.EPOCH).orElseThrow();
        assertEquals(0, m.key().parameters().gpuLayers());
    }

    @Test
    void reportsWithoutBuffersOrWithUnknownSettingsMeasureNothing() {
        assertEquals(Optional.empty(), RunnerReports.measured("m", report().clearBuffers().build(), Instant.EPOCH));
        assertEquals(Optional.empty(), RunnerReports.measured("m", report().setCacheTypeK("q9_9").build(),
                Instant.EPOCH));
        assertTrue(RunnerReports.measured("m", RunnerLoadReport.newBuilder().setNCtx(4096).addBuffers(
                DeviceBuffer.newBuilder().setDevice("CPU").setKind(io.rigpool.proto.v1.BufferKind.BUFFER_KIND_KV)
                        .setBytes(1)).build(), Instant.EPOCH).orElseThrow().key().parameters().mmap(),
                "an old report without settings means llama.cpp's defaults");
    }

    @Test
    void aShortOffloadIsTheLayersThatReallyWentToTheGpu() {
        assertEquals(OptionalInt.of(6), RunnerReports.shortOffload(report().setLayersOffloaded(6).setLayersTotal(33)
                .build()), "asked for 20, got 6");
        assertEquals(OptionalInt.of(0), RunnerReports.shortOffload(report().setGpuBackendPresent(false).build()),
                "layers asked for, no GPU backend");
        assertEquals(OptionalInt.empty(), RunnerReports.shortOffload(report().setLayersOffloaded(20)
                .setLayersTotal(33).build()), "got what it asked for");
        assertEquals(OptionalInt.empty(), RunnerReports.shortOffload(report().setNGpuLayersRequested(99)
                .setLayersOffloaded(33).setLayersTotal(33).build()), "asked for more than the model has: all of it");
        assertEquals(OptionalInt.empty(), RunnerReports.shortOffload(report().build()), "no offload line: unknown");
        assertEquals(OptionalInt.empty(), RunnerReports.shortOffload(report().setNGpuLayersRequested(0)
                .setGpuBackendPresent(false).build()), "CPU only was asked for");
    }

    @Test
    void buffersOfAShortOffloadAreKeyedByTheLayersThatReallyWent() {
        MeasuredBuffers m = RunnerReports.measured("llama", report().setLayersOffloaded(6).setLayersTotal(33).build(),
                Instant.EPOCH).orElseThrow();
        assertEquals(6, m.key().parameters().gpuLayers());
    }
}
