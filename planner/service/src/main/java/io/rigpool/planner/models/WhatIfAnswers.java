package io.rigpool.planner.models;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.planner.estimate.ShapeGeometries;
import io.rigpool.planner.estimate.WhatIf;
import io.rigpool.planner.placement.EngineLadders;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.OffloadStep;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.proto.v1.LocalModel;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's what-if for {@code GET /api/estimate}: for a model (one a worker reported, or one of the real-shape
 * catalogue by name), a card's VRAM and a context, what full acceleration needs, how many layers fit and the
 * decode speed-up over CPU only. Models with geometry go through the estimator's {@link WhatIf}; a worker model
 * without geometry gets the planner's approximate footprint, flagged as such.
 */
public final class WhatIfAnswers {

    /** What was asked, already checked. */
    /**
     * @param stepOverheadSeconds fixed time per decode step (a node's fitted speed), 0 for the datasheet's
     * @param speedBasis where the speeds come from, for the answer
     */
    public record Question(String model, long vramBytes, long reserveBytes, int contextSize, int parallelSlots,
            double gpuBandwidth, double cpuBandwidth, double stepOverheadSeconds, String speedBasis) {
    }

    /**
     * The answer, in the shape the API returns.
     *
     * @param engine the engine the planner would run the model with ("java-llama", "llama-server")
     * @param nCpuMoe layers on the GPU whose experts stay in RAM (llama-server's --n-cpu-moe), 0 for whole layers
     * @param summary the answer in a line: "gpt-oss-20b-MXFP4 on an 8 GB card: 24 layers on the GPU, the experts
     *     of 12 of them in RAM: 8.0 GB VRAM, 6.4 GB RAM, ×2.7 over CPU alone"
     */
    public record Answer(String model, String source, int layers, int nCtx, int parallelSlots, long vramBytes,
            long reserveBytes, long fullOffloadGpuBytes, String fullOffloadGb, boolean fitsFully, int nGpuLayers,
            double shareOfLayers, long gpuBytes, long cpuBytes, double cpuOnlyTps, double tps, double speedUp,
            List<String> cardsHoldingFully, String speedBasis, String engine, int nCpuMoe, String summary) {
    }

    private WhatIfAnswers() {
    }

    /**
     * @param workerModels the models workers reported, by id
     * @return empty when neither a worker nor the shape catalogue knows the model
     */
    public static Optional<Answer> answer(Question q, Map<String, LocalModel> workerModels, ModelCatalog catalog) {
        LoadParameters load = LoadParameters.defaults(q.contextSize()).withParallelSlots(q.parallelSlots());
        LocalModel reported = workerModels.get(q.model());
        if (reported != null) {
            Optional<ModelGeometry> geometry = catalog.geometry(reported);
            if (geometry.isPresent()) {
                return Optional.of(fromWhatIf(q, geometry.get(), load, catalog, "estimated"));
            }
            return Optional.of(approximate(q, reported, catalog));
        }
        return shape(q.model()).map(s -> fromWhatIf(q, ShapeGeometries.of(s), load, catalog, "estimated"));
    }

    /** A catalogue shape by its file stem or its model id (the stem lower-cased). */
    public static Optional<RealModelShape> shape(String name) {
        for (RealModelShape s : RealModelShapes.all()) {
            if (s.name().equalsIgnoreCase(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The what-if on the engine the planner prefers for the model ({@link EngineLadders}): a mixture-of-experts
     * model where llama-server may keep its experts in RAM, else whole layers on the first ladder's engine.
     */
    private static Answer fromWhatIf(Question q, ModelGeometry model, LoadParameters load, ModelCatalog catalog,
            String source) {
        OffloadStep[] preferred = EngineLadders.of(model.architecture(), model.layers(), model.mixtureOfExperts())
                .get(0);
        boolean expertsInRam = preferred.length > model.layers() + 2;
        EngineKind engine = expertsInRam ? EngineKind.LLAMA_SERVER : preferred[0].engine();
        MemoryEstimator estimator = catalog.estimators().of(engine);
        if (estimator.settings().build().flashAttentionByDefault()) {
            load = load.withFlashAttention(true);
        }
        WhatIf.Answer a = new WhatIf(estimator).ask(model, new WhatIf.Question(q.vramBytes(),
                q.reserveBytes(), q.gpuBandwidth(), q.cpuBandwidth(), load, q.stepOverheadSeconds(), expertsInRam));
        return new Answer(q.model(), source, a.layers(), q.contextSize(), q.parallelSlots(), q.vramBytes(),
                q.reserveBytes(), a.fullOffloadGpuBytes(), ByteSizes.gigabytes(a.fullOffloadGpuBytes()),
                a.fitsFully(), a.gpuLayers(), round(a.shareOfLayers()), a.chosen().gpu().total(),
                a.chosen().cpu().total(), round(a.cpuOnlyTokensPerSecond()), round(a.tokensPerSecond()),
                round(a.speedUp()), a.cardsHoldingFully().stream().map(GpuSpec::name).toList(), q.speedBasis(),
                engine.id(), a.expertLayersInRam(), a.summary(q.vramBytes()));
    }

    private static Answer approximate(Question q, LocalModel model, ModelCatalog catalog) {
        Footprint f = catalog.footprint(model, new SlotLayout(q.parallelSlots(),
                Math.max(q.parallelSlots(), q.contextSize())));
        int full = f.fullOffload();
        long fullBytes = f.gpuBytes(full);
        int chosen = f.largestFitting(q.vramBytes() - q.reserveBytes(), Long.MAX_VALUE, true);
        double cpuOnly = f.tokensPerSecond(0, q.gpuBandwidth(), q.cpuBandwidth(), q.stepOverheadSeconds());
        double speed = f.tokensPerSecond(Math.max(0, chosen), q.gpuBandwidth(), q.cpuBandwidth(),
                q.stepOverheadSeconds());
        List<String> cards = RtxCards.all().stream().filter(c -> c.vramBytes() - q.reserveBytes() >= fullBytes)
                .map(GpuSpec::name).toList();
        return new Answer(q.model(), "approximate: the worker sent no model geometry", f.layers(), q.contextSize(),
                q.parallelSlots(), q.vramBytes(), q.reserveBytes(), fullBytes, ByteSizes.gigabytes(fullBytes),
                fullBytes <= q.vramBytes() - q.reserveBytes(), Math.max(0, chosen),
                round((double) Math.min(Math.max(0, chosen), f.layers()) / Math.max(1, f.layers())),
                f.gpuBytes(Math.max(0, chosen)), f.cpuBytes(Math.max(0, chosen)), round(cpuOnly), round(speed),
                round(speed / cpuOnly), cards, q.speedBasis(), f.step(Math.max(0, chosen)).engine().id(), 0,
                String.format(Locale.ROOT, "%s: %d of %d layers on the GPU (approximate), ×%.1f over CPU alone",
                        q.model(), Math.min(Math.max(0, chosen), f.layers()), f.layers(), speed / cpuOnly));
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.3f", v));
    }
}
