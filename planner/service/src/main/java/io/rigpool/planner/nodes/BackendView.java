package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.GpuDevice;
import java.util.List;

/**
 * A node's llama.cpp backend as its worker's probe load showed it, for the API and the admin page.
 *
 * @param reported false for a worker that sent no backend (older than the probe): then it runs on the CPU only
 * @param kind "cuda" when a GPU backend was proven, else "cpu"
 * @param library where the JNI library came from ("natives/cuda-13", a configured path, "bundled")
 * @param gpuCapable whether plans give this node GPU layers (a proven backend and a GPU)
 * @param cpuOnlyReason why it runs on the CPU only, in the node's words; null when it does not
 */
public record BackendView(boolean reported, String kind, String library, String llamaCppBuild, String cudaRuntime,
        String driverVersion, String driverCuda, List<DeviceView> devices, int probeLayersOffloaded,
        int probeLayersTotal, boolean gpuProven, boolean gpuCapable, String cpuOnlyReason,
        List<AttemptView> attempts) {

    /** A GPU as llama.cpp found it. */
    public record DeviceView(String id, String name, String computeCapability, long totalBytes, long freeBytes) {
    }

    /** One library the worker tried, in order, and what came of it. */
    public record AttemptView(String library, boolean gpuProven, String outcome) {
    }

    static BackendView of(Node node) {
        Backend b = node.hello.getBackend();
        String reason = node.cpuOnlyReason();
        return new BackendView(node.hello.hasBackend(), b.getKind().isBlank() ? "cpu" : b.getKind(), b.getLibrary(),
                b.getLlamaCppBuild(), b.getCudaRuntime(), b.getDriverVersion(), b.getDriverCuda(),
                b.getDevicesList().stream().map(BackendView::device).toList(), b.getProbeLayersOffloaded(),
                b.getProbeLayersTotal(), b.getGpuProven(), node.gpuCapable(), reason.isEmpty() ? null : reason,
                b.getAttemptsList().stream().map(a -> new AttemptView(a.getLibrary(), a.getGpuProven(),
                        a.getOutcome())).toList());
    }

    private static DeviceView device(GpuDevice d) {
        return new DeviceView(d.getId(), d.getName(), d.getComputeCapability(), d.getTotalBytes(), d.getFreeBytes());
    }
}
