package io.rigpool.worker.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.RunnerLoadReport;
import org.junit.jupiter.api.Test;

class LoadReportsTest {

    private static final long MIB = 1024L * 1024;

    @Test
    void saysHowManyLayersWentToTheGpuAndWhatEachDeviceHolds() {
        RunnerLoadReport cuda = RunnerLoadReport.newBuilder().setNGpuLayersRequested(20).setLayersOffloaded(20)
                .setLayersTotal(33).setGpuBackendPresent(true)
                .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_MODEL, 2680))
                .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_KV, 320))
                .addBuffers(buffer("CPU_Mapped", BufferKind.BUFFER_KIND_MODEL, 2005))
                .addBuffers(buffer("CPU", BufferKind.BUFFER_KIND_KV, 192)).build();

        assertEquals("20/33 layers on the GPU; CPU 2197 MiB; CUDA0 3000 MiB", LoadReports.offload(cuda));
    }

    @Test
    void saysWhenGpuLayersWereAssignedToACpuOnlyLibrary() {
        RunnerLoadReport cpuOnly = RunnerLoadReport.newBuilder().setNGpuLayersRequested(33)
                .addBuffers(buffer("CPU_Mapped", BufferKind.BUFFER_KIND_MODEL, 42)).build();

        assertEquals("on the CPU only although 33 GPU layers were assigned: the llama.cpp library has no GPU backend;"
                + " CPU 42 MiB", LoadReports.offload(cpuOnly));
    }

    private static DeviceBuffer buffer(String device, BufferKind kind, long mib) {
        return DeviceBuffer.newBuilder().setDevice(device).setKind(kind).setBytes(mib * MIB).build();
    }
}
