package io.rigpool.planner.admin;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.planner.PlannerConfig;
import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.models.Measurements;
import io.rigpool.planner.models.ModelCatalog;
import io.rigpool.planner.models.WhatIfAnswers;
import io.rigpool.planner.nodes.FleetCoordinator;
import io.rigpool.planner.nodes.FleetSnapshot;
import io.rigpool.planner.nodes.SpeedView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Answers what-if questions given as query text (the API's {@code /api/estimate} and the admin page's): checks
 * every field, naming the one at fault, and asks the estimator. Has its own model catalogue: the fleet loop's is
 * not shared with request threads.
 */
@ApplicationScoped
public class WhatIfRequests {

    private static final int MAX_CONTEXT = 1 << 20;

    private final FleetCoordinator fleet;
    private final PlannerConfig.Planner config;
    private final ModelCatalog catalog;

    WhatIfRequests(FleetCoordinator fleet, PlannerConfig config) {
        this.fleet = fleet;
        this.config = config.planner();
        this.catalog = new ModelCatalog(EstimatorSettings.defaults().withGpuRuntimeBytes(
                config.planner().runners().gpuRuntime().asLongValue()), new Measurements());
    }

    /**
     * @param node a node whose speed (fitted to its runners' measured speeds) and card to ask about; an explicit
     *     {@code vram}, {@code card} or bandwidth still wins
     */
    public WhatIfAnswers.Answer answer(String model, String vram, String card, String ctx, String reserve,
            String parallel, String gpuBandwidth, String cpuBandwidth, String node) {
        if (model == null || model.isBlank()) {
            throw ApiException.badRequest("model", "missing: name a model a worker reported or a catalogue shape");
        }
        Optional<FleetSnapshot.NodeView> asked = Optional.empty();
        if (node != null && !node.isBlank()) {
            asked = fleet.snapshot().nodes().stream().filter(n -> n.nodeId().equals(node.trim())).findFirst();
            if (asked.isEmpty()) {
                throw ApiException.notFound("node", "no node '" + node + "' is known");
            }
        }
        Optional<GpuSpec> spec = Optional.empty();
        if (card != null && !card.isBlank()) {
            spec = RtxCards.byName(card);
            if (spec.isEmpty()) {
                throw ApiException.badRequest("card", "unknown card '" + card + "' (try \"RTX 4060\")");
            }
        }
        long vramBytes;
        if (vram != null && !vram.isBlank()) {
            vramBytes = size("vram", vram);
            // A name sold with two memory sizes (RTX 3060 with 12 or 8 GB): the VRAM picks its bandwidth.
            if (spec.isPresent()) {
                spec = RtxCards.byName(card, vramBytes).or(() -> RtxCards.byName(card));
            }
        } else if (spec.isPresent()) {
            vramBytes = spec.get().vramBytes();
        } else if (asked.isPresent()) {
            // The node's planned card; none at all where it runs on the CPU only.
            vramBytes = !asked.get().gpuOffloadSupported() ? 0 : asked.get().gpus().stream()
                    .filter(FleetSnapshot.GpuView::planned).mapToLong(FleetSnapshot.GpuView::totalBytes).findFirst()
                    .orElse(0);
        } else {
            throw ApiException.badRequest("vram", "missing: give vram (e.g. 8GiB), card (e.g. RTX 4060) or node");
        }
        long reserveBytes = reserve == null || reserve.isBlank() ? config.reserve().vram().asLongValue()
                : size("reserve", reserve);
        int context = integer("ctx", ctx, 4096, 1, MAX_CONTEXT);
        int slots = integer("parallel", parallel, 1, 1, 256);
        Optional<SpeedView> speed = asked.map(FleetSnapshot.NodeView::speed);
        double gpu = bandwidth("gpu_bandwidth", gpuBandwidth, spec.map(GpuSpec::bandwidthGBps)
                .or(() -> speed.map(SpeedView::gpuGbps)).orElse(config.runners().defaultGpuBandwidthGbps()));
        double cpu = bandwidth("cpu_bandwidth", cpuBandwidth, speed.map(SpeedView::cpuGbps)
                .orElse(config.runners().defaultCpuBandwidthGbps()));
        double overhead = speed.map(s -> s.overheadMs() / 1e3).orElse(0.0);
        String basis = speed.map(s -> "node " + node.trim() + ": " + (s.observations() == 0 ? "datasheet"
                : "fitted to " + s.observations() + " measured runner speed(s)")).orElse("datasheet");
        WhatIfAnswers.Question q = new WhatIfAnswers.Question(model, vramBytes, reserveBytes, context, slots,
                gpu * 1e9, cpu * 1e9, overhead, basis);
        synchronized (catalog) {
            return WhatIfAnswers.answer(q, fleet.snapshot().models(), catalog).orElseThrow(() -> ApiException
                    .notFound("model", "no worker reported a model '" + model + "' and no catalogue shape has that"
                            + " name"));
        }
    }

    private static long size(String field, String text) {
        try {
            long bytes = ByteSizes.parse(text);
            if (bytes < 0 || bytes > 1L << 42) {
                throw ApiException.badRequest(field, "must be between 0 and 4 TiB");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, e.getMessage());
        }
    }

    private static int integer(String field, String text, int fallback, int min, int max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw ApiException.badRequest(field, "must be from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(field, "not a whole number: '" + text + "'");
        }
    }

    private static double bandwidth(String field, String text, double fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value > 0) || value > 100_000) {
                throw ApiException.badRequest(field, "must be a positive number of GB/s");
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(field, "not a number: '" + text + "'");
        }
    }
}
