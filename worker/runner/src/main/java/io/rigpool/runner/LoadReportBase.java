package io.rigpool.runner;

import de.kherud.llama.args.CacheType;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.util.Locale;
import java.util.Optional;

/** The load report both engines give: the command line's load parameters and what llama.cpp's log said. */
final class LoadReportBase {

    /** llama.cpp's own defaults for what the command line leaves out (the same in b4916 and 2026's builds). */
    private static final int LLAMA_DEFAULT_BATCH = 2048;
    private static final int LLAMA_DEFAULT_UBATCH = 512;
    private static final String LLAMA_DEFAULT_CACHE_TYPE = "f16";

    private LoadReportBase() {
    }

    /**
     * @param discovery the log read together with the process's output, for what ggml printed before the log
     *     opened (GPU discovery); the engine adds the library or binary it ran
     */
    static RunnerLoadReport.Builder of(RunnerOptions options, LlamaLoadLog log, LlamaLoadLog discovery,
            long loadMs) {
        return RunnerLoadReport.newBuilder()
                .setModelPath(options.model().toAbsolutePath().toString())
                .setNGpuLayersRequested(options.gpuLayers())
                .setLayersOffloaded(log.layersOffloaded())
                .setLayersTotal(log.layersTotal())
                .addAllBuffers(log.buffers())
                .setLoadMs(loadMs)
                .setGpuBackendPresent(log.gpuBackendPresent())
                .setNCtx(options.ctxSize())
                .setParallelSlots(options.parallel())
                .setNBatch(options.batchSize().orElse(LLAMA_DEFAULT_BATCH))
                .setNUbatch(options.ubatchSize().orElse(LLAMA_DEFAULT_UBATCH))
                .setCacheTypeK(name(options.cacheTypeK()))
                .setCacheTypeV(name(options.cacheTypeV()))
                .setFlashAttention(options.flashAttn())
                .setMmap(!options.noMmap())
                .setLlamaCppBuild(log.build())
                .addAllWarnings(log.warnings())
                .addAllWarnings(OffloadCheck.warnings(options.gpuLayers(), log))
                .addAllDevices(discovery.cudaDevices())
                .setGpuInitError(discovery.gpuInitError());
    }

    private static String name(Optional<CacheType> type) {
        return type.map(t -> t.name().toLowerCase(Locale.ROOT)).orElse(LLAMA_DEFAULT_CACHE_TYPE);
    }
}
