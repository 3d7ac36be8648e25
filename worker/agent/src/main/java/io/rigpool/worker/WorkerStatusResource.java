package io.rigpool.worker;

import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.worker.models.LocalModelFile;
import io.rigpool.worker.owner.OwnerControls;
import io.rigpool.worker.runner.LoadReports;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;

/** What this worker is doing, for its owner and for scripts that wait for it: {@code GET /api/status}. */
@Path("/api/status")
public class WorkerStatusResource {

    /** One loaded (or loading, or failing) model. */
    public record LoadedModelStatus(String modelId, String state, String engine, float loadProgress, int nGpuLayers,
            int nCtx, int slotsTotal, int slotsBusy, double decodeTps, String offload, String error) {

        static LoadedModelStatus of(LoadedModel m, WorkerNode node) {
            return new LoadedModelStatus(m.getModelId(), m.getState().name().replace("LOAD_STATE_", "")
                    .toLowerCase(Locale.ROOT), m.getEngine(), m.getLoadProgress(), m.getNGpuLayers(), m.getNCtx(), m.getSlotsTotal(),
                    node.jobs().busySlots(m.getModelId()), node.jobs().decodeTps(m.getModelId()),
                    m.hasLoadReport() ? LoadReports.offload(m.getLoadReport()) : "",
                    m.getError());
        }
    }

    /** One GPU as last read. */
    public record GpuStatus(int index, String name, long totalBytes, long freeBytes, double bandwidthGbps) {

        static GpuStatus of(Gpu g) {
            return new GpuStatus(g.getIndex(), g.getName(), g.getTotalBytes(), g.getFreeBytes(), g.getBandwidthGbps());
        }
    }

    /** The llama.cpp library runners use, as the probe at start proved it (or why it is the CPU one). */
    public record BackendStatus(String kind, String library, boolean gpuProven, String llamaCppBuild,
            String cudaRuntime, String driverVersion, String driverCuda, List<String> devices, String cpuOnlyReason,
            List<String> attempts) {

        static BackendStatus of(Backend b) {
            return new BackendStatus(b.getKind(), b.getLibrary(), b.getGpuProven(), b.getLlamaCppBuild(),
                    b.getCudaRuntime(), b.getDriverVersion(), b.getDriverCuda(),
                    b.getDevicesList().stream().map(d -> d.getId() + ": " + d.getName() + ", compute capability "
                            + d.getComputeCapability()).toList(),
                    b.getCpuOnlyReason(), b.getAttemptsList().stream().map(a -> a.getOutcome()).toList());
        }
    }

    /** One engine as the hello reports it (the architecture list is long, so only its size is shown). */
    public record EngineStatus(String kind, String llamaCppBuild, List<String> backends, int architectures,
            String source, String unusableReason) {

        static EngineStatus of(io.rigpool.proto.v1.Engine e) {
            return new EngineStatus(e.getKind(), e.getLlamaCppBuild(), e.getBackendsList(),
                    e.getArchitecturesCount(), e.getSource(), e.getUnusableReason());
        }
    }

    /** The whole answer. */
    public record WorkerStatus(String nodeId, boolean plannerConnected, boolean paused, String pausedBy,
            long ownerReserveBytes, double cpuBandwidthGbps, BackendStatus backend, List<EngineStatus> engines,
            List<GpuStatus> gpus, List<String> models, List<LoadedModelStatus> loaded) {
    }

    @Inject
    WorkerLifecycle lifecycle;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public WorkerStatus status() {
        WorkerNode node = lifecycle.node();
        OwnerControls.State owner = node.owner().state();
        return new WorkerStatus(node.setup().nodeId(), node.plannerConnected(), owner.paused(), owner.pausedBy(),
                owner.reserveBytes(), node.setup().cpuBandwidthGbps(), BackendStatus.of(node.setup().backend()),
                node.setup().engines().stream().map(EngineStatus::of).toList(),
                node.gpus().latest().stream().map(GpuStatus::of).toList(),
                node.setup().models().stream().map(LocalModelFile::modelId).toList(),
                node.supervisor().status().stream().map(m -> LoadedModelStatus.of(m, node)).toList());
    }
}
