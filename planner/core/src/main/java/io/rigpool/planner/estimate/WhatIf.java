package io.rigpool.planner.estimate;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's what-if table: for a model, a card's VRAM and a context, how much full acceleration needs, how many
 * layers this card takes, and the decode speed-up over CPU only that buys. Used by the planner's
 * {@code GET /api/estimate} and by {@link EstimateCommand}.
 */
public final class WhatIf {

    /**
     * The question.
     *
     * @param vramBytes the card's free VRAM
     * @param reserveBytes VRAM kept free for the owner (desktop, games)
     * @param gpuBandwidth bytes per second the GPU reads (from the node or {@link RtxCards})
     * @param cpuBandwidth bytes per second the host reads (dual-channel DDR4-3200 is about 51e9)
     * @param load cache types, flash attention, slots, batch sizes; its context size is the one asked about
     * @param stepOverheadSeconds fixed time per decode step a node's measured speeds showed (0: datasheet only)
     */
    public record Question(long vramBytes, long reserveBytes, double gpuBandwidth, double cpuBandwidth,
            LoadParameters load, double stepOverheadSeconds) {

        public Question {
            if (vramBytes < 0 || reserveBytes < 0) {
                throw new IllegalArgumentException("vram and reserve must be >= 0");
            }
            if (gpuBandwidth <= 0 || cpuBandwidth <= 0) {
                throw new IllegalArgumentException("bandwidths must be positive");
            }
            if (!(stepOverheadSeconds >= 0)) {
                throw new IllegalArgumentException("the step overhead must be >= 0");
            }
        }

        /** A question with the datasheet's speeds: no fixed cost per step. */
        public Question(long vramBytes, long reserveBytes, double gpuBandwidth, double cpuBandwidth,
                LoadParameters load) {
            this(vramBytes, reserveBytes, gpuBandwidth, cpuBandwidth, load, 0);
        }
    }

    /**
     * The answer.
     *
     * @param fullOffload the estimate with every layer and the output head on the GPU
     * @param fullOffloadGpuBytes VRAM full acceleration needs (its GPU total)
     * @param fitsFully whether this card holds it, reserve kept
     * @param chosen the estimate with the largest n_gpu_layers that fits
     * @param shareOfLayers share of the repeating layers the card takes, 0..1
     * @param cpuOnlyTokensPerSecond decode speed with no GPU
     * @param tokensPerSecond decode speed with the chosen offload
     * @param cardsHoldingFully RTX cards whose VRAM holds full acceleration with the same reserve
     */
    public record Answer(String model, int layers, MemoryEstimate fullOffload, long fullOffloadGpuBytes,
            boolean fitsFully, int gpuLayers, MemoryEstimate chosen, double shareOfLayers,
            double cpuOnlyTokensPerSecond, double tokensPerSecond, List<GpuSpec> cardsHoldingFully) {

        public Answer {
            cardsHoldingFully = List.copyOf(cardsHoldingFully);
        }

        /** Expected decode speed-up of the chosen offload over CPU only. */
        public double speedUp() {
            return tokensPerSecond / cpuOnlyTokensPerSecond;
        }
    }

    private final MemoryEstimator estimator;
    private final OffloadFit fit;

    public WhatIf(MemoryEstimator estimator) {
        this.estimator = estimator;
        this.fit = new OffloadFit(estimator);
    }

    public Answer ask(ModelGeometry model, Question q) {
        LoadParameters load = q.load();
        MemoryEstimate full = estimator.estimate(model, load.withGpuLayers(model.layers() + 1));
        long fullGpu = full.gpu().total();
        OffloadFit.Choice choice = fit.largestGpuLayers(model, load, q.vramBytes(), q.reserveBytes());
        MemoryEstimate cpuOnly = estimator.estimate(model, load.withGpuLayers(0));
        double cpuOnlySpeed = 1 / DecodeSpeedModel.secondsPerToken(cpuOnly, model, q.gpuBandwidth(),
                q.cpuBandwidth(), q.stepOverheadSeconds());
        double speed = 1 / DecodeSpeedModel.secondsPerToken(choice.estimate(), model, q.gpuBandwidth(),
                q.cpuBandwidth(), q.stepOverheadSeconds());
        List<GpuSpec> holding = new ArrayList<>();
        for (GpuSpec card : RtxCards.all()) {
            if (card.vramBytes() - q.reserveBytes() >= fullGpu) {
                holding.add(card);
            }
        }
        return new Answer(model.name(), model.layers(), full, fullGpu, fullGpu <= q.vramBytes() - q.reserveBytes(),
                choice.value(), choice.estimate(), choice.estimate().shareOfLayersOnGpu(), cpuOnlySpeed, speed,
                holding);
    }
}
