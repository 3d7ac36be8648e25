package io.rigpool.planner.nodes;

import io.rigpool.planner.models.MeasuredBuffersStore;
import io.rigpool.planner.models.Measurements;
import io.rigpool.planner.models.RunnerReports;
import io.rigpool.planner.placement.PlacementProblem;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What runners tell the planner back: the buffers llama.cpp logged at load (stored, and used instead of the
 * estimate from then on) and loads that failed (that node is spared the model for a while).
 */
final class RunnerFeedback {

    private static final Logger LOG = Logger.getLogger(RunnerFeedback.class);

    private final Measurements measurements;
    private final MeasuredBuffersStore store;
    private final Clock clock;
    private final Duration failureBackoff;

    RunnerFeedback(Measurements measurements, MeasuredBuffersStore store, Clock clock, Duration failureBackoff) {
        this.measurements = measurements;
        this.store = store;
        this.clock = clock;
        this.failureBackoff = failureBackoff;
    }

    /** @return true when the report measured something new (the model's footprint changed) */
    boolean report(String nodeId, String modelId, RunnerLoadReport report) {
        var measured = RunnerReports.measured(modelId, report, clock.instant()).filter(measurements::record);
        measured.ifPresent(m -> Persist.quietly(() -> store.save(m, nodeId)));
        return measured.isPresent();
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
