package io.rigpool.planner.nodes;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.planner.PlannerConfig;
import io.rigpool.planner.models.ModelCatalog;
import io.rigpool.planner.models.RunnerReports;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.planner.plan.AdminRules;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * What a node may give the plan. A node's live free VRAM already excludes what rigpool's own runners hold, so
 * the plan's budget is {@code free + ours − reserve}, where "ours" comes from the buffers each loaded runner
 * reported (plus the CUDA context), or the estimate for its parameters while it has reported none. The reserve is
 * the larger of the admin's (or the default) and the owner's. RAM is counted the same way.
 */
final class NodeBudgets {

    /** One reading of a node's budgets before smoothing. */
    record Reading(long vram, long ram, String note) {
    }

    private static final double GIB = 1L << 30;

    private final PlannerConfig.Planner config;
    private final ModelCatalog catalog;

    NodeBudgets(PlannerConfig.Planner config, ModelCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
    }

    /** The GPU plans use: runners are not split across cards, so the one with the most room. */
    static Optional<Gpu> mainGpu(Node node) {
        return node.gpus().stream().max(Comparator.comparingLong(Gpu::getFreeBytes).thenComparing(Gpu::getIndex,
                Comparator.reverseOrder()));
    }

    long reserve(Node node, AdminRules rules) {
        long admin = rules.reserve(node.nodeId).orElse(config.reserve().vram().asLongValue());
        return Math.max(admin, node.ownerReserveBytes());
    }

    Reading read(Node node, AdminRules rules) {
        long ourVram = 0;
        long ourRam = 0;
        for (LoadedModel l : node.loaded()) {
            if (l.getState() != LoadState.LOAD_STATE_LOADING && l.getState() != LoadState.LOAD_STATE_READY
                    && l.getState() != LoadState.LOAD_STATE_DRAINING) {
                continue;
            }
            long[] usage = usage(node, l);
            ourVram += usage[0];
            ourRam += usage[1];
        }
        long reserve = reserve(node, rules);
        long free = mainGpu(node).map(Gpu::getFreeBytes).orElse(0L);
        long vram = node.gpuCapable() ? Math.max(0, free + ourVram - reserve) : 0;
        long ram = Math.max(0, node.ramFreeBytes() + ourRam - config.reserve().ram().asLongValue());
        String card = mainGpu(node).map(Gpu::getName).orElse("no GPU");
        String note = String.format(Locale.ROOT, "%s: %.2f GiB free + %.2f GiB our runners − %.2f GiB reserve",
                card, free / GIB, ourVram / GIB, reserve / GIB);
        return new Reading(vram, ram, note);
    }

    /** VRAM and RAM one loaded runner holds: reported buffers when it has them, else the estimate. */
    private long[] usage(Node node, LoadedModel l) {
        long runtimeGpu = catalog.settings().gpuRuntimeBytes();
        long runtimeCpu = catalog.settings().cpuRuntimeBytes();
        if (l.hasLoadReport() && l.getLoadReport().getBuffersCount() > 0) {
            long gpu = RunnerReports.gpuBufferBytes(l.getLoadReport());
            return new long[] {gpu == 0 ? 0 : gpu + runtimeGpu, RunnerReports.cpuBufferBytes(l.getLoadReport())
                    + runtimeCpu};
        }
        Optional<LocalModel> model = node.hello.getModelsList().stream()
                .filter(m -> m.getModelId().equals(l.getModelId())).findFirst();
        if (model.isEmpty() || l.getNCtx() <= 0) {
            return new long[] {0, 0};
        }
        int slots = Math.max(1, l.getSlotsTotal());
        Optional<Instance> runner = node.runnerOf(l.getModelId());
        ModelCatalog.RunnerFootprint counted = catalog.runnerFootprint(model.get(),
                new SlotLayout(slots, Math.max(slots, l.getNCtx())), node.layersOnGpu(l),
                runner.map(Instance::expertLayersOnCpu).orElse(0),
                runner.map(Instance::engine).orElse(EngineKind.JAVA_LLAMA));
        Footprint f = counted.footprint();
        return new long[] {f.gpuBytes(counted.level()), f.cpuBytes(counted.level())};
    }

    /** Bytes per second the node's GPU reads: reported, else from the card table, else the configured default. */
    double gpuBandwidth(Node node) {
        Optional<Gpu> gpu = mainGpu(node);
        if (gpu.isPresent() && gpu.get().getBandwidthGbps() > 0) {
            return gpu.get().getBandwidthGbps() * 1e9;
        }
        return gpu.flatMap(g -> RtxCards.byName(g.getName(), g.getTotalBytes()))
                .map(spec -> spec.bandwidthBytesPerSecond())
                .orElse(config.runners().defaultGpuBandwidthGbps() * 1e9);
    }

    double cpuBandwidth(Node node) {
        double measured = node.hello.getCpuBandwidthGbps();
        return (measured > 0 ? measured : config.runners().defaultCpuBandwidthGbps()) * 1e9;
    }
}
