package io.rigpool.bench.gpu;

import java.util.List;

/**
 * One point of the sweep in bench/results/gpu.json (written snake_case). Bytes are exact integers; llama.cpp's
 * buffers are its MiB figures (two decimals) times 2^20, nvidia-smi's are whole MiB.
 *
 * @param backend "cuda" when llama.cpp brought a CUDA device up in the runner, else "cpu"
 * @param layersOffloaded llama.cpp's "offloaded N/M layers to GPU" as "N/M" ("0/0" when it logged none)
 * @param measuredVramBytes the runner's GPU memory per nvidia-smi after the measured generation (0 without GPU)
 * @param measuredVramAfterLoadBytes the same right after the load, before any token was decoded
 * @param vramSource "process" (nvidia-smi named the runner's pid), "device" (GPU used minus used before the
 *     runner started) or "none" (no nvidia-smi)
 * @param estimatedVramBytes the estimator's GPU buffers for this point plus the CUDA context measured for this
 *     model at n_gpu_layers 0 (0 without GPU)
 * @param estimatedVramDefaultRuntimeBytes what the planner budgets today: the estimator's GPU total with its
 *     configured runtime allowance instead of the measured context
 * @param loggedGpuBufferBytes the GPU buffers llama.cpp logged (CUDA0 model, KV, compute)
 * @param estimatedGpuBufferBytes the GPU buffers the estimator predicts
 * @param runtimeOverheadBytes measured VRAM minus the logged GPU buffers: context, kernels, pools
 * @param vramErrorBytes estimated minus measured VRAM
 * @param vramWithinTarget |error| within 2 % of measured or 64 MiB (issue 12 §3); null without GPU
 * @param predictedTps the speed model with the GPU's datasheet bandwidth and the host bandwidth the worker measures
 * @param predictedTpsMeasuredGpuBandwidth the same with the GPU bandwidth measured on the device, when given
 * @param predictedTpsAtMeasuredContext the speed model with the KV cache read as far as it was filled while
 *     measuring (prompt plus half the generated tokens) instead of full: the model assumes the slow end of a
 *     conversation, the measurement is its start
 * @param calibratedTps the speed model with constants fitted to every measured point of this run (reads at the
 *     measured context), when a fit was possible
 * @param tokens tokens the measured generation really produced (the runner's count)
 */
record OffloadRow(String model, int nGpuLayers, int nCtx, String backend, String layersOffloaded,
        long measuredVramBytes, long measuredVramAfterLoadBytes, String vramSource, long estimatedVramBytes,
        long estimatedVramDefaultRuntimeBytes, long loggedGpuBufferBytes, long estimatedGpuBufferBytes,
        long runtimeOverheadBytes, long vramErrorBytes, double vramErrorPct, Boolean vramWithinTarget,
        List<BufferComparison> buffers, double measuredTps, double predictedTps,
        Double predictedTpsMeasuredGpuBandwidth, double speedErrorPct, Double calibratedTps,
        Double calibratedSpeedErrorPct, long predictedGpuReadBytesPerToken, long predictedCpuReadBytesPerToken,
        double predictedTpsAtMeasuredContext, double speedErrorAtMeasuredContextPct,
        long gpuReadBytesAtMeasuredContext, long cpuReadBytesAtMeasuredContext, int promptTokens, int tokens, int tokensRequested, String finishReason, double decodeMs, double loadSeconds,
        List<String> devices, List<String> mappedLibraries) {

    /** One llama.cpp buffer beside the estimator's; either side may be absent (null). */
    record BufferComparison(String buffer, String kind, Long measuredBytes, Long estimatedBytes) {
    }

    OffloadRow withCalibration(Double tps) {
        Double error = tps == null || measuredTps <= 0 ? null : (tps - measuredTps) / measuredTps * 100;
        return new OffloadRow(model, nGpuLayers, nCtx, backend, layersOffloaded, measuredVramBytes,
                measuredVramAfterLoadBytes, vramSource, estimatedVramBytes, estimatedVramDefaultRuntimeBytes,
                loggedGpuBufferBytes, estimatedGpuBufferBytes, runtimeOverheadBytes, vramErrorBytes, vramErrorPct,
                vramWithinTarget, buffers, measuredTps, predictedTps, predictedTpsMeasuredGpuBandwidth,
                speedErrorPct, tps, error, predictedGpuReadBytesPerToken, predictedCpuReadBytesPerToken,
                predictedTpsAtMeasuredContext, speedErrorAtMeasuredContextPct, gpuReadBytesAtMeasuredContext,
                cpuReadBytesAtMeasuredContext, promptTokens, tokens,
                tokensRequested, finishReason, decodeMs, loadSeconds, devices, mappedLibraries);
    }
}
