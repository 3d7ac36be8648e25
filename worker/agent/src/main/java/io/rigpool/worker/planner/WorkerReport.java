package io.rigpool.worker.planner;

import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.Engine;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.worker.gpu.GpuMonitor;
import io.rigpool.worker.gpu.HostResources;
import io.rigpool.worker.models.LocalModelFile;
import io.rigpool.worker.owner.OwnerControls;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/** What this worker tells the planner about itself: the hello once per stream, and each heartbeat. */
public final class WorkerReport {

    /** Who this worker is; fixed for its life. */
    public record Identity(String nodeId, String hostname, String clusterToken, String version,
            Backend backend, double cpuBandwidthGbps, List<Engine> engines) {
    }

    /** What the job side knows about each loaded model. */
    public record JobFigures(ToIntFunction<String> busySlots, ToDoubleFunction<String> decodeTps) {
    }

    private final Identity identity;
    private final GpuMonitor gpus;
    private final List<LocalModelFile> models;
    private final Supplier<List<LoadedModel>> loaded;
    private final JobFigures jobs;
    private final OwnerControls owner;

    /**
     * @param loaded the models as the runner supervision sees them
     */
    public WorkerReport(Identity identity, GpuMonitor gpus, List<LocalModelFile> models,
            Supplier<List<LoadedModel>> loaded, JobFigures jobs, OwnerControls owner) {
        this.identity = identity;
        this.gpus = gpus;
        this.models = List.copyOf(models);
        this.loaded = loaded;
        this.jobs = jobs;
        this.owner = owner;
    }

    public WorkerHello hello() {
        WorkerHello.Builder hello = WorkerHello.newBuilder()
                .setNodeId(identity.nodeId())
                .setHostname(identity.hostname())
                .setClusterToken(identity.clusterToken())
                .addAllGpus(gpus.report())
                .setRamTotalBytes(HostResources.ramTotalBytes())
                .setRamFreeBytes(HostResources.ramFreeBytes())
                .setCpuThreads(HostResources.cpuThreads())
                .setCpuBandwidthGbps(identity.cpuBandwidthGbps())
                .setWorkerVersion(identity.version())
                .setGpuOffloadSupported(identity.backend().getGpuProven())
                .setBackend(identity.backend())
                .addAllEngines(identity.engines())
                .setOwnerReserveBytes(owner.state().reserveBytes());
        models.forEach(m -> hello.addModels(m.description()));
        return hello.build();
    }

    public Heartbeat heartbeat() {
        OwnerControls.State ownerState = owner.state();
        Heartbeat.Builder beat = Heartbeat.newBuilder()
                .addAllGpus(gpus.report())
                .setRamFreeBytes(HostResources.ramFreeBytes())
                .setPaused(ownerState.paused())
                .setOwnerReserveBytes(ownerState.reserveBytes());
        for (LoadedModel model : loaded.get()) {
            beat.addLoaded(model.toBuilder()
                    .setSlotsBusy(jobs.busySlots().applyAsInt(model.getModelId()))
                    .setDecodeTps(jobs.decodeTps().applyAsDouble(model.getModelId())));
        }
        return beat.build();
    }
}
