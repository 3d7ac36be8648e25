package io.rigpool.planner.nodes;

import io.rigpool.planner.models.MeasuredBuffersStore;
import io.rigpool.planner.models.Measurements;
import io.rigpool.planner.models.RunnerReports;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.LayerCap;
import io.rigpool.planner.placement.PlacementProblem;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.WorkerHello;
import java.time.Clock;
import java.time.Duration;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jboss.logging.Logger;

/**
 * What runners tell the planner back: the buffers llama.cpp logged at load (stored, and used instead of the
 * estimate from then on), loads that offloaded fewer layers than asked (that pair is capped at what really went to
 * the GPU) and loads that failed (that node is spared the model for a while).
 */
final class RunnerFeedback {

    private static final Logger LOG = Logger.getLogger(RunnerFeedback.class);

    private final Measurements measurements;
    private final MeasuredBuffersStore store;
    private final Clock clock;
    private final Duration failureBackoff;
    private final LayerCapStore capStore;
    /** Caps read at start, per node, until the node's first hello says whether its backend is still the same. */
    private final Map<String, List<LayerCapStore.Stored>> storedCaps = new HashMap<>();

    RunnerFeedback(Measurements measurements, MeasuredBuffersStore store, LayerCapStore capStore, Clock clock,
            Duration failureBackoff) {
        this.measurements = measurements;
        this.store = store;
        this.capStore = capStore;
        this.clock = clock;
        this.failureBackoff = failureBackoff;
    }

    /** Reads the caps a previous run of the planner kept. */
    void restore() throws SQLException {
        capStore.all().forEach(c -> storedCaps.computeIfAbsent(c.nodeId(), k -> new ArrayList<>()).add(c));
    }

    /**
     * Stores what a load report measured and remembers a short offload (the pair is capped at what really went to
     * the GPU, see {@link RunnerReports#shortOffload}).
     *
     * @return what was news, as a re-plan's trigger, or null when nothing was
     */
    String report(Node node, String modelId, RunnerLoadReport report) {
        int expertLayersOnCpu = node.runnerOf(modelId).map(Instance::expertLayersOnCpu).orElse(0);
        var measured = RunnerReports.measured(modelId, report, expertLayersOnCpu, clock.instant())
                .filter(measurements::record);
        measured.ifPresent(m -> Persist.quietly(() -> store.save(m, node.nodeId)));
        OptionalInt offloaded = RunnerReports.shortOffload(report);
        LayerCap before = node.layerCaps.get(modelId);
        if (offloaded.isPresent() && (before == null || offloaded.getAsInt() < before.layers())) {
            LayerCap cap = new LayerCap(offloaded.getAsInt(), shortfall(report, offloaded.getAsInt()));
            node.layerCaps.put(modelId, cap);
            Persist.quietly(() -> capStore.save(node.nodeId, modelId, cap, GpuBackend.key(node.hello),
                    clock.instant()));
            LOG.warnf("node %s: %s %s; planned with at most %d GPU layers there from now on", node.nodeId, modelId,
                    cap.why(), cap.layers());
            return "a runner offloaded fewer layers than asked";
        }
        return measured.isPresent() ? "a runner measured its buffers" : null;
    }

    private static String shortfall(RunnerLoadReport report, int offloaded) {
        if (!report.getGpuBackendPresent()) {
            return "its load asked for " + report.getNGpuLayersRequested() + " GPU layers and ran without a GPU"
                    + " backend" + (report.getGpuInitError().isBlank() ? "" : " (" + report.getGpuInitError() + ")")
                    + (report.getNativeLibrary().isBlank() ? "" : " in " + report.getNativeLibrary());
        }
        return "its load offloaded only " + offloaded + " of the " + Math.min(report.getNGpuLayersRequested(),
                report.getLayersTotal()) + " layers asked for";
    }

    /**
     * A node said hello: one that comes back with another llama.cpp library or build may offload what the old one
     * could not, so its caps go; on its first hello after a restart, the stored caps for the same backend return.
     */
    void hello(Node node, WorkerHello before) {
        String backend = GpuBackend.key(node.hello);
        if (before != null && !GpuBackend.key(before).equals(backend)) {
            node.layerCaps.clear();
            Persist.quietly(() -> capStore.clear(node.nodeId));
        }
        List<LayerCapStore.Stored> stored = storedCaps.remove(node.nodeId);
        if (stored != null) {
            stored.stream().filter(c -> c.backend().equals(backend))
                    .forEach(c -> node.layerCaps.putIfAbsent(c.modelId(), c.cap()));
        }
    }

    /** Records planned runners of the node that failed to load; true when one is news. */
    boolean failures(Node node, Map<String, java.time.Instant> failures) {
        boolean news = false;
        for (LoadedModel l : node.loaded()) {
            String pair = PlacementProblem.pairKey(node.nodeId, l.getModelId());
            boolean planned = node.target.stream().anyMatch(i -> i.modelId().equals(l.getModelId()));
            if (l.getState() == LoadState.LOAD_STATE_FAILED && planned && !failures.containsKey(pair)) {
                failures.put(pair, clock.instant().plus(failureBackoff));
                LOG.warnf("node %s could not load %s: %s", node.nodeId, l.getModelId(), l.getError());
                news = true;
            }
        }
        return news;
    }
}
