package io.rigpool.planner.models;

import io.rigpool.gguf.GgmlType;
import io.rigpool.planner.estimate.Buffer;
import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.planner.estimate.Device;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** Turns a runner's load report (the buffers llama.cpp logged) into a measurement keyed by its load parameters. */
public final class RunnerReports {

    private RunnerReports() {
    }

    /**
     * The measurement, or empty when the report has no buffers or names parameters the estimator does not know.
     * A library without a GPU backend ignores n_gpu_layers, so its buffers are those of a CPU-only load.
     */
    public static Optional<MeasuredBuffers> measured(String modelId, RunnerLoadReport report, Instant at) {
        return measured(modelId, report, 0, at);
    }

    /**
     * As above, for a runner that kept the experts of its first {@code expertLayersOnCpu} layers in RAM: the
     * report does not say so, the runner's assignment does.
     */
    public static Optional<MeasuredBuffers> measured(String modelId, RunnerLoadReport report, int expertLayersOnCpu,
            Instant at) {
        if (report.getBuffersCount() == 0 || report.getNCtx() <= 0) {
            return Optional.empty();
        }
        Optional<LoadParameters> parameters = parameters(report).map(p -> p.withExpertLayersOnCpu(
                p.gpuLayers() == 0 ? 0 : expertLayersOnCpu));
        if (parameters.isEmpty()) {
            return Optional.empty();
        }
        List<Buffer> buffers = new ArrayList<>();
        for (DeviceBuffer b : report.getBuffersList()) {
            BufferKind kind = switch (b.getKind()) {
                case BUFFER_KIND_MODEL -> BufferKind.MODEL;
                case BUFFER_KIND_KV -> BufferKind.KV;
                case BUFFER_KIND_COMPUTE -> BufferKind.COMPUTE;
                case BUFFER_KIND_OUTPUT -> BufferKind.OUTPUT;
                default -> null;
            };
            if (kind != null && b.getBytes() >= 0 && !b.getDevice().isBlank()) {
                buffers.add(new Buffer(b.getDevice(), MeasuredBuffers.deviceOf(b.getDevice()), kind, b.getBytes()));
            }
        }
        if (buffers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MeasuredBuffers(new MeasuredBuffers.Key(modelId, parameters.get()), buffers,
                report.getLlamaCppBuild(), at));
    }

    /** The load parameters a report states (cache types, flash attention, batches, mmap), if the estimator knows them. */
    public static Optional<LoadParameters> parameters(RunnerLoadReport report) {
        try {
            // Buffers are those of the layers that really went to the GPU: key them so.
            int gpuLayers = shortOffload(report).orElse(Math.max(0, report.getNGpuLayersRequested()));
            LoadParameters p = new LoadParameters(gpuLayers, Math.max(1, report.getNCtx()),
                    Math.max(1, report.getParallelSlots()), cacheType(report.getCacheTypeK()),
                    cacheType(report.getCacheTypeV()), report.getFlashAttention(),
                    report.getNBatch() > 0 ? report.getNBatch() : LoadParameters.DEFAULT_BATCH,
                    report.getNUbatch() > 0 ? report.getNUbatch() : LoadParameters.DEFAULT_MICRO_BATCH,
                    report.getMmap() || noMmapFieldSet(report));
            return Optional.of(p);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The n_gpu_layers that really went to the GPU when a load offloaded fewer than it was asked for: none at all
     * when the library has no GPU backend though layers were asked for, else llama.cpp's "offloaded N/M layers"
     * when N is below both the request and M. Empty when the load got what it asked for, or the report cannot
     * tell (no such line from a library that has a GPU backend).
     */
    public static OptionalInt shortOffload(RunnerLoadReport report) {
        int requested = Math.max(0, report.getNGpuLayersRequested());
        if (requested == 0) {
            return OptionalInt.empty();
        }
        if (!report.getGpuBackendPresent()) {
            return OptionalInt.of(0);
        }
        if (report.getLayersTotal() <= 0) {
            return OptionalInt.empty();
        }
        int offloaded = Math.max(0, report.getLayersOffloaded());
        return offloaded < Math.min(requested, report.getLayersTotal()) ? OptionalInt.of(offloaded)
                : OptionalInt.empty();
    }

    /** Reports from before the parameter fields existed leave them all unset: llama.cpp's defaults then. */
    private static boolean noMmapFieldSet(RunnerLoadReport report) {
        return report.getCacheTypeK().isEmpty() && report.getNBatch() == 0 && report.getNUbatch() == 0;
    }

    private static GgmlType cacheType(String name) {
        return name.isBlank() ? GgmlType.F16 : GgmlType.valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    /** VRAM the runner's buffers take, or 0 when none is on a GPU. */
    public static long gpuBufferBytes(RunnerLoadReport report) {
        long sum = 0;
        for (DeviceBuffer b : report.getBuffersList()) {
            if (MeasuredBuffers.deviceOf(b.getDevice()) == Device.GPU) {
                sum += b.getBytes();
            }
        }
        return sum;
    }

    /** RAM the runner's buffers take. */
    public static long cpuBufferBytes(RunnerLoadReport report) {
        long sum = 0;
        for (DeviceBuffer b : report.getBuffersList()) {
            if (MeasuredBuffers.deviceOf(b.getDevice()) == Device.CPU) {
                sum += b.getBytes();
            }
        }
        return sum;
    }
}
