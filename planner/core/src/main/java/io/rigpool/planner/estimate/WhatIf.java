package io.rigpool.planner.estimate;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.common.hardware.RtxCards;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
     * @param keepExpertsInRam whether the engine may keep a mixture-of-experts model's experts in RAM
     *     (llama-server's --n-cpu-moe); then the answer climbs {@link OffloadFit#expertsInRamLadder}
     */
    public record Question(long vramBytes, long reserveBytes, double gpuBandwidth, double cpuBandwidth,
            LoadParameters load, double stepOverheadSeconds, boolean keepExpertsInRam) {

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

        /** A question about whole layers (b4916 has no other way). */
        public Question(long vramBytes, long reserveBytes, double gpuBandwidth, double cpuBandwidth,
                LoadParameters load, double stepOverheadSeconds) {
            this(vramBytes, reserveBytes, gpuBandwidth, cpuBandwidth, load, stepOverheadSeconds, false);
        }

        /** A question with the datasheet's speeds: no fixed cost per step, whole layers. */
        public Question(long vramBytes, long reserveBytes, double gpuBandwidth, double cpuBandwidth,
                LoadParameters load) {
            this(vramBytes, reserveBytes, gpuBandwidth, cpuBandwidth, load, 0);
        }

        /** The same question with experts kept in RAM allowed or not. */
        public Question keepingExpertsInRam(boolean allowed) {
            return new Question(vramBytes, reserveBytes, gpuBandwidth, cpuBandwidth, load, stepOverheadSeconds,
                    allowed);
        }
    }

    /**
     * The answer.
     *
     * @param fullOffload the estimate with every layer and the output head on the GPU
     * @param fullOffloadGpuBytes VRAM full acceleration needs (its GPU total)
     * @param fitsFully whether this card holds it, reserve kept
     * @param gpuLayers n_gpu_layers of the chosen offload
     * @param chosen the estimate of the fastest offload that fits (its parameters carry n_gpu_layers and
     *     --n-cpu-moe)
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

        /** Layers on the GPU whose experts stay in RAM (llama-server's --n-cpu-moe); 0 for whole layers. */
        public int expertLayersInRam() {
            return chosen.experts().gpuLayersWithExpertsOnCpu();
        }

        /**
         * The answer in a line: "gpt-oss-20b-MXFP4 on an 8 GB card: 24 layers on the GPU, the experts of 13 of them
         * in RAM: 7.4 GB VRAM, 7.1 GB RAM, ×2.9 over CPU alone".
         */
        public String summary(long cardBytes) {
            String gigabytes = Long.toString(Math.round(cardBytes / (double) (1L << 30)));
            // Read aloud: "an eight", "an eleven", "an eighteen", "an eighty"; "a twelve".
            boolean vowel = gigabytes.startsWith("8") || gigabytes.equals("11") || gigabytes.equals("18");
            StringBuilder line = new StringBuilder(model).append(" on ").append(vowel ? "an " : "a ")
                    .append(gigabytes).append(" GB card: ");
            int onGpu = chosen.layersOnGpu();
            line.append(onGpu == 0 ? "CPU only" : onGpu + " layers on the GPU");
            if (expertLayersInRam() > 0) {
                line.append(", the experts of ").append(expertLayersInRam()).append(" of them in RAM");
            }
            return line.append(String.format(Locale.ROOT, ": %s VRAM, %s RAM, ×%.1f over CPU alone",
                    ByteSizes.gigabytes(chosen.gpu().total()), ByteSizes.gigabytes(chosen.cpu().total()), speedUp()))
                    .toString();
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
        boolean expertsInRam = q.keepExpertsInRam() && model.mixtureOfExperts();
        OffloadFit.Choice choice = expertsInRam
                ? fit.highestRungKeepingExpertsInRam(model, load, q.vramBytes(), q.reserveBytes())
                : fit.largestGpuLayers(model, load, q.vramBytes(), q.reserveBytes());
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
                choice.estimate().parameters().gpuLayers(), choice.estimate(), choice.estimate().shareOfLayersOnGpu(),
                cpuOnlySpeed, speed,
                holding);
    }
}
