package io.rigpool.worker.planner;

import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.worker.gpu.GpuDiscovery;
import io.rigpool.worker.gpu.HostResources;
import io.rigpool.worker.models.LocalModelFile;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/** What this worker tells the planner about itself: the hello once per stream, and each heartbeat. */
public final class WorkerReport {

    private final String nodeId;
    private final String hostname;
    private final String clusterToken;
    private final String version;
    private final boolean gpuOffloadSupported;
    private final GpuDiscovery gpus;
    private final List<LocalModelFile> models;
    private final Supplier<List<LoadedModel>> loaded;
    private final ToIntFunction<String> busySlots;

    /**
     * @param gpuOffloadSupported whether runners use a native library with a GPU backend (the bundled one has none;
     *                            each runner's load report then says what really went to the GPU)
     * @param loaded    the models as the runner supervision sees them
     * @param busySlots jobs running now, per model id
     */
    public WorkerReport(String nodeId, String hostname, String clusterToken, String version,
            boolean gpuOffloadSupported, GpuDiscovery gpus, List<LocalModelFile> models,
            Supplier<List<LoadedModel>> loaded, ToIntFunction<String> busySlots) {
        this.gpuOffloadSupported = gpuOffloadSupported;
        this.nodeId = nodeId;
        this.hostname = hostname;
        this.clusterToken = clusterToken;
        this.version = version;
        this.gpus = gpus;
        this.models = List.copyOf(models);
        this.loaded = loaded;
        this.busySlots = busySlots;
    }

    public WorkerHello hello() {
        WorkerHello.Builder hello = WorkerHello.newBuilder()
                .setNodeId(nodeId)
                .setHostname(hostname)
                .setClusterToken(clusterToken)
                .addAllGpus(gpus.discover())
                .setRamTotalBytes(HostResources.ramTotalBytes())
                .setRamFreeBytes(HostResources.ramFreeBytes())
                .setCpuThreads(HostResources.cpuThreads())
                .setWorkerVersion(version)
                .setGpuOffloadSupported(gpuOffloadSupported);
        models.forEach(m -> hello.addModels(m.description()));
        return hello.build();
    }

    public Heartbeat heartbeat() {
        Heartbeat.Builder beat = Heartbeat.newBuilder()
                .addAllGpus(gpus.discover())
                .setRamFreeBytes(HostResources.ramFreeBytes());
        for (LoadedModel model : loaded.get()) {
            beat.addLoaded(model.toBuilder().setSlotsBusy(busySlots.applyAsInt(model.getModelId())));
        }
        return beat.build();
    }
}
