package io.rigpool.planner.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.ShapeGeometries;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VramBreakdownTest {

    private static final long MIB = 1L << 20;
    private static final long RUNTIME = 384 * MIB;

    @Test
    void aReportCountsOnlyGpuBuffersByKindPlusTheCudaContext() {
        RunnerLoadReport report = RunnerLoadReport.newBuilder()
                .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_MODEL, 1500 * MIB))
                .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_KV, 256 * MIB))
                .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_COMPUTE, 300 * MIB))
                .addBuffers(buffer("CUDA_Host", BufferKind.BUFFER_KIND_COMPUTE, 40 * MIB))
                .addBuffers(buffer("CPU_Mapped", BufferKind.BUFFER_KIND_MODEL, 500 * MIB)).build();

        VramBreakdown b = VramBreakdown.of(report, RUNTIME).orElseThrow();

        assertEquals(new VramBreakdown("measured", 1500 * MIB, 256 * MIB, 300 * MIB, RUNTIME, 0), b);
        assertEquals((1500 + 256 + 300) * MIB + RUNTIME, b.totalBytes());
    }

    @Test
    void aCpuOnlyReportHoldsNoVram() {
        RunnerLoadReport report = RunnerLoadReport.newBuilder()
                .addBuffers(buffer("CPU", BufferKind.BUFFER_KIND_KV, 64 * MIB)).build();

        assertEquals(Optional.empty(), VramBreakdown.of(report, RUNTIME));
    }

    @Test
    void theEstimateOfAModelWithGeometryMatchesItsFootprint() {
        var shape = RealModelShapes.byName("Llama-3.2-1B-Instruct-Q8_0");
        LocalModel model = LocalModel.newBuilder().setModelId("llama-1b").setFileName("llama-1b.gguf")
                .setSizeBytes(shape.fileSize()).setArchitecture("llama").setBlockCount(16).setContextLength(131072)
                .setGeometry(GeometryMapping.toProto(ShapeGeometries.of(shape))).build();
        ModelCatalog catalog = new ModelCatalog(EstimatorSettings.defaults().withGpuRuntimeBytes(RUNTIME),
                new Measurements());
        SlotLayout option = new SlotLayout(1, 4096);

        VramBreakdown b = catalog.runnerVram(model, option, 17).estimated();

        assertEquals("estimated", b.basis());
        assertEquals(catalog.footprint(model, option).gpuBytes(17), b.totalBytes(), "the bar and the plan agree");
        assertTrue(b.weightsBytes() > 1_000 * MIB && b.kvCacheBytes() > 0 && b.computeBytes() > 0, b.toString());
        assertEquals(RUNTIME, b.runtimeBytes());
    }

    @Test
    void anApproximateFigureKeepsItsTotalAndNamesTheKnownWeights() {
        LocalModel model = LocalModel.newBuilder().setModelId("m").setSizeBytes(2000 * MIB).setBlockCount(4)
                .setNonLayerBytes(200 * MIB).addLayerBytes(450 * MIB).addLayerBytes(450 * MIB)
                .addLayerBytes(450 * MIB).addLayerBytes(450 * MIB).build();

        VramBreakdown two = VramBreakdown.approximate(model, 2, 2000 * MIB, RUNTIME);
        VramBreakdown full = VramBreakdown.approximate(model, 5, 3000 * MIB, RUNTIME);

        assertEquals(900 * MIB, two.weightsBytes());
        assertEquals(2000 * MIB, two.totalBytes());
        assertEquals(1900 * MIB, full.weightsBytes(), "all layers and the output head");
        assertEquals(3000 * MIB, full.totalBytes());
        assertEquals(0, VramBreakdown.approximate(model, 0, 0, RUNTIME).totalBytes());
    }

    private static DeviceBuffer buffer(String device, BufferKind kind, long bytes) {
        return DeviceBuffer.newBuilder().setDevice(device).setKind(kind).setBytes(bytes).build();
    }
}
