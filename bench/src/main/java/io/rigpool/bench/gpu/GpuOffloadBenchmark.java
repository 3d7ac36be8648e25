package io.rigpool.bench.gpu;

import io.rigpool.common.hardware.MemoryBandwidth;
import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.estimate.Buffer;
import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.planner.estimate.DecodeSpeedModel;
import io.rigpool.planner.estimate.Device;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimate;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Does GPU offload happen, and do the estimator and the speed model say what it costs? For real-shape models
 * (sparse GGUF files: buffers and decode speed do not depend on the weights' values) it loads each through the
 * packaged runner at a sweep of n_gpu_layers with n_ctx 4096 and records, per point, llama.cpp's own buffers, the
 * GPU memory nvidia-smi sees, and the decode speed, beside the estimator's VRAM and the speed model's prediction.
 *
 * <p>Without a GPU (no nvidia-smi, or a runner whose llama.cpp found no CUDA device) every n_gpu_layers is the same
 * CPU load, so only n_gpu_layers 0 runs per model unless {@code --all-points}. Targets (estimated VRAM within 2 %
 * or 64 MiB of nvidia-smi; speed within 15 % after calibration) are reported, not asserted.
 *
 * <p>{@code bench/run gpu [--natives DIR] [--models llama,qwen] [--tokens N] [--points 0,8,33] [--all-points]
 * [--ctx N] [--threads N] [--gpu-bandwidth-gbps X] [--deadline-seconds N] [--runner JAR] [--out FILE]
 * [--logs DIR]}; see bench/README.md.
 */
public final class GpuOffloadBenchmark {

    private static final long MIB = 1L << 20;
    private static final long VRAM_TOLERANCE_BYTES = 64 * MIB;
    private static final double VRAM_TOLERANCE_SHARE = 0.02;
    /** The runner JVM, llama.cpp's own allocations and slack, as the estimator benchmark allows. */
    private static final long PROCESS_OVERHEAD = 768 * MIB;
    private static final long RAM_SAFETY_MARGIN = 1L << 30;
    private static final long HOST_BANDWIDTH_TEST_MILLIS = 1000;

    private GpuOffloadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int status = 1;
        try {
            status = run(Options.parse(args));
        } catch (IllegalArgumentException e) {
            System.err.println("bench/run gpu: " + e.getMessage());
            status = 2;
        }
        // gRPC's and the runners' threads must not keep the benchmark alive.
        System.exit(status);
    }

    private static int run(Options o) throws Exception {
        long started = System.nanoTime();
        Optional<NvidiaSmi> smi = NvidiaSmi.find();
        Optional<NvidiaSmi.Device> device = smi.isPresent() ? Optional.of(smi.get().device()) : Optional.empty();
        long idleVram = smi.isPresent() ? smi.get().usedBytes() : 0;
        System.out.println(device.map(d -> "GPU: " + d.name() + ", driver " + d.driverVersion() + ", CUDA "
                + d.cudaVersion() + ", " + (d.totalBytes() / MIB) + " MiB, " + (idleVram / MIB) + " MiB in use")
                .orElse("no NVIDIA GPU (nvidia-smi absent or silent): CPU rows only"));
        if (!Files.isRegularFile(o.runnerJar)) {
            throw new IllegalArgumentException("no runner jar at " + o.runnerJar
                    + " (build it: ./mvnw -o -q -pl bench -am package -DskipTests, or pass --runner JAR)");
        }
        double cpuGbps = MemoryBandwidth.measureGbps(HOST_BANDWIDTH_TEST_MILLIS);
        Optional<GpuBandwidths.Datasheet> datasheet = device.flatMap(d -> GpuBandwidths.datasheet(d.name(),
                d.totalBytes()));
        Double gpuGbpsForModel = datasheet.map(GpuBandwidths.Datasheet::gbps).orElse(o.measuredGpuGbps);
        System.out.printf(Locale.ROOT, "host memory bandwidth (one thread, as the worker measures): %.1f GB/s%n",
                cpuGbps);
        datasheet.ifPresent(d -> System.out.printf(Locale.ROOT, "GPU datasheet bandwidth: %.0f GB/s (%s)%n",
                d.gbps(), d.source()));
        if (o.measuredGpuGbps != null) {
            System.out.printf(Locale.ROOT, "GPU bandwidth measured on the device: %.0f GB/s%n", o.measuredGpuGbps);
        }

        Report report = new Report(o, device, cpuGbps, datasheet, gpuGbpsForModel);
        report.cpuGbpsAllThreads = HostMemoryBandwidth.measureGbps(HOST_BANDWIDTH_TEST_MILLIS, o.threads);
        System.out.printf(Locale.ROOT, "host memory bandwidth (%d threads at once, for comparison): %.1f GB/s; "
                + "load average %s%n", o.threads, report.cpuGbpsAllThreads, report.loadAverageAtStart);
        report.nativesManifest = o.natives.map(dir -> dir.resolve("manifest.json")).filter(Files::isRegularFile)
                .map(GpuOffloadBenchmark::readQuietly).orElse(null);
        Path work = o.work.isPresent() ? Files.createDirectories(o.work.get())
                : Files.createTempDirectory("rigpool-gpu-bench");
        Files.createDirectories(o.logs);
        MemoryEstimator estimator = new MemoryEstimator();
        OffloadTable.printHeader(System.out);
        try {
            for (String name : o.models) {
                RealModelShape shape = RealModelShapes.byName(name);
                measureModel(shape, o, smi, idleVram, estimator, report, work, cpuGbps, gpuGbpsForModel, started);
            }
        } finally {
            deleteTree(work, o.work.isPresent());
        }
        report.calibrate();
        report.runtimeSeconds = (System.nanoTime() - started) / 1e9;
        report.write(o.out);
        OffloadTable.printSummary(System.out, report);
        System.out.printf(Locale.ROOT, "benchmark took %.1f min; wrote %s%n", report.runtimeSeconds / 60, o.out);
        return report.rows.isEmpty() ? 1 : 0;
    }

    private static void measureModel(RealModelShape shape, Options o, Optional<NvidiaSmi> smi, long idleVram,
            MemoryEstimator estimator, Report report, Path work, double cpuGbps, Double gpuGbps, long started)
            throws Exception {
        Path dir = Files.createDirectories(work.resolve(shape.name()));
        long writeStart = System.nanoTime();
        Path file = shape.write(dir);
        System.out.printf(Locale.ROOT, "%s: wrote a real-shape GGUF (%.2f GiB of tensors, sparse) in %.1f s%n",
                shape.name(), shape.tensorBytes() / (double) (1L << 30), (System.nanoTime() - writeStart) / 1e9);
        ModelGeometry geometry = ModelGeometry.of(GgufModel.open(file));
        List<Integer> points = o.points.isEmpty() ? sweep(shape.blockCount()) : o.points;
        boolean sweepAll = smi.isPresent() || o.allPoints;
        Long cudaContext = null;
        try {
            for (int ngl : points) {
                if (!sweepAll && ngl != points.get(0)) {
                    report.skip(shape.name(), ngl, "no GPU: every n_gpu_layers is the same CPU load (--all-points "
                            + "runs them anyway)");
                    continue;
                }
                if (o.deadlineSeconds > 0 && (System.nanoTime() - started) / 1e9 > o.deadlineSeconds) {
                    report.skip(shape.name(), ngl, "the run's deadline of " + o.deadlineSeconds + " s had passed");
                    continue;
                }
                LoadParameters p = LoadParameters.defaults(o.contextSize).withGpuLayers(ngl);
                MemoryEstimate estimate = estimator.estimate(geometry, p);
                long ram = shape.tensorBytes() + estimate.cpu().kvCache() + estimate.cpu().compute()
                        + estimate.cpu().output() + PROCESS_OVERHEAD;
                long available = availableMemory();
                if (ram > available - RAM_SAFETY_MARGIN) {
                    report.skip(shape.name(), ngl, "needs about " + (ram / MIB) + " MiB of RAM (mapped weights "
                            + "become resident), " + (available / MIB) + " MiB available");
                    continue;
                }
                OffloadPointRun.Result r;
                try {
                    r = OffloadPointRun.run(new OffloadPointRun.Setup(o.runnerJar, o.natives, file, ngl,
                            o.contextSize, o.threads, o.tokens, dir.resolve("ngl" + ngl)), smi, idleVram);
                } catch (Exception e) {
                    report.skip(shape.name(), ngl, "failed: " + e.getMessage());
                    System.out.println("  n_gpu_layers " + ngl + " failed: " + e.getMessage());
                    continue;
                }
                keepLog(r.llamaLog(), o.logs, shape.name() + "-ngl" + ngl + ".log");
                RunnerLoadReport load = r.report();
                report.llamaCppBuild(load.getLlamaCppBuild());
                boolean cuda = load.getGpuBackendPresent();
                report.backend(cuda ? "cuda" : "cpu");
                report.devices.addAll(r.cuda().devices());
                if (smi.isPresent() && !cuda) {
                    report.problems.add(shape.name() + " n_gpu_layers " + ngl + ": nvidia-smi sees a GPU but the "
                            + "runner's llama.cpp has no GPU backend" + (r.cuda().initError().isEmpty() ? ""
                                    : " (" + r.cuda().initError() + ")") + "; libraries mapped: "
                            + r.mappedLibraries());
                }
                long logged = loggedGpuBuffers(load);
                if (cuda && cudaContext == null && r.vramAfterDecode() >= 0) {
                    // The runtime around llama.cpp's buffers, measured where the fewest layers are on the GPU.
                    cudaContext = r.vramAfterDecode() - logged;
                    report.cudaContext.put(shape.name(), Map.of("n_gpu_layers", ngl, "bytes", cudaContext,
                            "measured_vram_bytes", r.vramAfterDecode(), "logged_gpu_buffer_bytes", logged));
                }
                // A runner without a GPU backend ran every layer on the CPU whatever it was asked: compare it with
                // the estimate of what really happened, as the planner does with a short offload.
                MemoryEstimate happened = cuda ? estimate : estimator.estimate(geometry, p.withGpuLayers(0));
                OffloadRow row = row(shape, geometry, p, happened, r, cuda, logged, cudaContext, cpuGbps, gpuGbps,
                        o);
                report.rows.add(row);
                OffloadTable.print(System.out, row);
                // Results so far survive a run that is stopped at its time limit.
                report.write(o.out);
                if (!cuda && !o.allPoints) {
                    sweepAll = false;
                }
            }
        } finally {
            // Deleting the file drops its pages from the page cache before the next model.
            deleteTree(dir, false);
        }
    }

    private static OffloadRow row(RealModelShape shape, ModelGeometry geometry, LoadParameters p,
            MemoryEstimate estimate, OffloadPointRun.Result r, boolean cuda, long logged, Long cudaContext,
            double cpuGbps, Double gpuGbps, Options o) {
        RunnerLoadReport load = r.report();
        long estimatedGpuBuffers = 0;
        for (Buffer b : estimate.buffers()) {
            if (b.device() == Device.GPU) {
                estimatedGpuBuffers += b.bytes();
            }
        }
        long measuredVram = cuda && r.vramAfterDecode() >= 0 ? r.vramAfterDecode() : 0;
        long estimatedVram = cuda ? estimatedGpuBuffers + (cudaContext == null ? 0 : cudaContext) : 0;
        long defaultRuntime = cuda && estimate.gpu().total() > 0 ? estimate.gpu().total() : 0;
        long error = estimatedVram - measuredVram;
        double errorPct = measuredVram > 0 ? error * 100.0 / measuredVram : 0;
        Boolean within = cuda ? Math.abs(error) <= Math.max(VRAM_TOLERANCE_BYTES,
                (long) (VRAM_TOLERANCE_SHARE * measuredVram)) : null;

        DecodeSpeedModel.TokenReads reads = DecodeSpeedModel.reads(estimate, geometry);
        double gpuBps = gpuGbps == null ? Double.NaN : gpuGbps * 1e9;
        double predicted = reads.gpuBytes() > 0 && gpuGbps == null ? 0
                : 1 / DecodeSpeedModel.secondsPerToken(estimate, geometry, gpuBps, cpuGbps * 1e9);
        Double predictedMeasuredGpu = o.measuredGpuGbps == null ? null
                : 1 / DecodeSpeedModel.secondsPerToken(estimate, geometry, o.measuredGpuGbps * 1e9, cpuGbps * 1e9);
        double measured = r.decodeTokensPerSecond();
        double speedError = measured > 0 && predicted > 0 ? (predicted - measured) / measured * 100 : 0;
        // The model reads the whole KV cache per token; while measuring, the cache held the prompt and, on
        // average, half the generated tokens.
        int promptTokens = r.generation().getPromptTokens();
        double filled = Math.min(1.0, (promptTokens + r.generation().getCompletionTokens() / 2.0) / p.kvCells());
        long gpuReads = reads.gpuBytes() - Math.round(estimate.gpu().kvCache() * (1 - filled));
        long cpuReads = reads.cpuBytes() - Math.round(estimate.cpu().kvCache() * (1 - filled));
        double secondsAtContext = (gpuReads > 0 ? gpuReads / gpuBps : 0) + cpuReads / (cpuGbps * 1e9);
        double predictedAtContext = gpuReads > 0 && gpuGbps == null ? 0 : 1 / secondsAtContext;
        double speedErrorAtContext = measured > 0 && predictedAtContext > 0
                ? (predictedAtContext - measured) / measured * 100 : 0;
        return new OffloadRow(shape.name(), p.gpuLayers(), p.contextSize(), cuda ? "cuda" : "cpu",
                load.getLayersOffloaded() + "/" + load.getLayersTotal(), measuredVram,
                cuda ? Math.max(0, r.vramAfterLoad()) : 0, cuda ? r.vramSource() : "none", estimatedVram,
                defaultRuntime, logged, cuda ? estimatedGpuBuffers : 0, cuda ? measuredVram - logged : 0, error,
                round(errorPct, 3), within, compare(load, estimate), round(measured, 3), round(predicted, 3),
                predictedMeasuredGpu == null ? null : round(predictedMeasuredGpu, 3), round(speedError, 2), null,
                null, reads.gpuBytes(), reads.cpuBytes(), round(predictedAtContext, 3),
                round(speedErrorAtContext, 2), gpuReads, cpuReads, promptTokens, r.generation().getCompletionTokens(),
                o.tokens,
                r.generation().getFinishReason(), round(r.generation().getDecodeMs(), 1), round(r.loadSeconds(), 1),
                r.cuda().devices(), r.mappedLibraries());
    }

    /** Sum of the GPU buffers llama.cpp logged (CUDA_Host is pinned host memory, not VRAM). */
    private static long loggedGpuBuffers(RunnerLoadReport load) {
        long sum = 0;
        for (DeviceBuffer b : load.getBuffersList()) {
            if (MeasuredBuffers.deviceOf(b.getDevice()) == Device.GPU) {
                sum += b.getBytes();
            }
        }
        return sum;
    }

    /** llama.cpp's buffers and the estimator's, paired by buffer name and purpose. */
    private static List<OffloadRow.BufferComparison> compare(RunnerLoadReport load, MemoryEstimate estimate) {
        Map<String, Long> measured = new LinkedHashMap<>();
        for (DeviceBuffer b : load.getBuffersList()) {
            measured.merge(b.getDevice() + "|" + kindName(b.getKind().name()), b.getBytes(), Long::sum);
        }
        Map<String, Long> estimated = new LinkedHashMap<>();
        for (Buffer b : estimate.buffers()) {
            estimated.merge(b.bufferType() + "|" + b.kind().name().toLowerCase(Locale.ROOT), b.bytes(), Long::sum);
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>(measured.keySet());
        keys.addAll(estimated.keySet());
        List<OffloadRow.BufferComparison> out = new ArrayList<>();
        for (String key : keys) {
            String[] k = key.split("\\|");
            out.add(new OffloadRow.BufferComparison(k[0], k[1], measured.get(key), estimated.get(key)));
        }
        return out;
    }

    /** BUFFER_KIND_MODEL -> model, as {@link BufferKind} names it. */
    private static String kindName(String protoKind) {
        return protoKind.replace("BUFFER_KIND_", "").toLowerCase(Locale.ROOT);
    }

    /** 0, a quarter, a half, three quarters, every repeating layer, and every layer with the output (L + 1). */
    static List<Integer> sweep(int blockCount) {
        LinkedHashSet<Integer> points = new LinkedHashSet<>();
        // Order of value if the run is cut short: CPU baseline (and CUDA context), full offload, then partial.
        points.add(0);
        points.add(blockCount + 1);
        points.add(blockCount / 2);
        points.add(blockCount / 4);
        points.add(blockCount * 3 / 4);
        points.add(blockCount);
        return List.copyOf(points);
    }

    private static void keepLog(Path log, Path logs, String name) {
        try {
            if (Files.isRegularFile(log)) {
                Files.copy(log, logs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.out.println("could not keep " + log + ": " + e.getMessage());
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    /** MemAvailable from /proc/meminfo: free memory plus what the kernel can reclaim. */
    private static long availableMemory() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return Long.MAX_VALUE;
    }

    private static void deleteTree(Path dir, boolean keepRoot) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!(keepRoot && p.equals(dir))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
