package io.rigpool.planner.nodes;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.estimate.Device;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.planner.models.ModelCatalog;
import io.rigpool.planner.models.VramBreakdown;
import io.rigpool.planner.nodes.FleetSnapshot.GpuView;
import io.rigpool.planner.nodes.FleetSnapshot.RunnerVram;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.planner.plan.AdminRules;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each card's VRAM goes, for readers: per runner that holds memory (loading, ready or draining) its
 * estimated and measured breakdown, and the card's stacked bar. A runner sits on the card its measured buffers
 * name (CUDA1 is card 1), else on the card plans use. Runs on the fleet loop (the catalogue is not shared).
 */
final class VramUsages {

    private static final Pattern DEVICE_INDEX = Pattern.compile("(\\d{1,4})$");

    private final ModelCatalog catalog;
    private final NodeBudgets budgets;

    VramUsages(ModelCatalog catalog, NodeBudgets budgets) {
        this.catalog = catalog;
        this.budgets = budgets;
    }

    List<GpuView> of(Node node, AdminRules rules) {
        List<Gpu> gpus = node.gpus();
        Optional<Gpu> planned = NodeBudgets.mainGpu(node).filter(g -> node.gpuCapable());
        Map<Integer, List<RunnerVram>> byCard = new LinkedHashMap<>();
        for (LoadedModel l : node.loaded().stream().sorted(Comparator.comparing(LoadedModel::getModelId)).toList()) {
            if (!holdsMemory(l)) {
                continue;
            }
            RunnerVram runner = runner(node, l);
            int card = measuredCard(l, gpus).orElse(planned.map(Gpu::getIndex).orElse(-1));
            byCard.computeIfAbsent(card, k -> new ArrayList<>()).add(runner);
        }
        long reserve = budgets.reserve(node, rules);
        List<GpuView> views = new ArrayList<>();
        for (Gpu g : gpus) {
            boolean plannedHere = planned.isPresent() && planned.get().getIndex() == g.getIndex();
            List<RunnerVram> runners = byCard.getOrDefault(g.getIndex(), List.of());
            VramBar.Result bar = VramBar.of(g.getTotalBytes(), g.getFreeBytes(), plannedHere ? reserve : 0,
                    runners.stream().map(r -> new VramBar.Held(r.modelId(), r.held())).toList());
            views.add(new GpuView(g.getIndex(), g.getName(), g.getTotalBytes(), g.getFreeBytes(), g.getUsedBytes(),
                    plannedHere, plannedHere ? reserve : 0, bar.ourBytes(), bar.otherBytes(), bar.note(),
                    bar.segments(), runners));
        }
        return views;
    }

    static boolean holdsMemory(LoadedModel l) {
        return l.getState() == LoadState.LOAD_STATE_LOADING || l.getState() == LoadState.LOAD_STATE_READY
                || l.getState() == LoadState.LOAD_STATE_DRAINING;
    }

    private RunnerVram runner(Node node, LoadedModel l) {
        long runtime = catalog.settings().gpuRuntimeBytes();
        Optional<LocalModel> model = node.hello.getModelsList().stream()
                .filter(m -> m.getModelId().equals(l.getModelId())).findFirst();
        int layers = node.layersOnGpu(l);
        VramBreakdown estimated = VramBreakdown.NONE;
        Optional<VramBreakdown> stored = Optional.empty();
        if (model.isPresent() && l.getNCtx() > 0) {
            int slots = Math.max(1, l.getSlotsTotal());
            Optional<Instance> planned = node.runnerOf(l.getModelId());
            ModelCatalog.RunnerVram vram = catalog.runnerVram(model.get(),
                    new SlotLayout(slots, Math.max(slots, l.getNCtx())), layers,
                    planned.map(Instance::expertLayersOnCpu).orElse(0),
                    planned.map(Instance::engine).orElse(EngineKind.JAVA_LLAMA));
            estimated = vram.estimated();
            stored = vram.measured();
        }
        Optional<VramBreakdown> measured = l.hasLoadReport() && l.getLoadReport().getBuffersCount() > 0
                ? VramBreakdown.of(l.getLoadReport(), runtime) : stored;
        int layersTotal = l.hasLoadReport() && l.getLoadReport().getLayersTotal() > 0
                ? l.getLoadReport().getLayersTotal() : model.map(m -> m.getBlockCount() + 1).orElse(0);
        VramBreakdown held = measured.orElse(estimated);
        return new RunnerVram(l.getModelId(), state(l), layers, layersTotal, estimated, measured.orElse(null), held);
    }

    /** The card a runner's largest measured GPU buffer names, when the node has a card of that index. */
    private static Optional<Integer> measuredCard(LoadedModel l, List<Gpu> gpus) {
        if (!l.hasLoadReport()) {
            return Optional.empty();
        }
        return l.getLoadReport().getBuffersList().stream()
                .filter(b -> !b.getDevice().isBlank() && MeasuredBuffers.deviceOf(b.getDevice()) == Device.GPU)
                .max(Comparator.comparingLong(DeviceBuffer::getBytes))
                .map(b -> DEVICE_INDEX.matcher(b.getDevice()))
                .filter(Matcher::find)
                .map(m -> Integer.parseInt(m.group(1)))
                .filter(i -> gpus.stream().anyMatch(g -> g.getIndex() == i));
    }

    static String state(LoadedModel l) {
        return l.getState().name().replace("LOAD_STATE_", "").toLowerCase(Locale.ROOT);
    }
}
