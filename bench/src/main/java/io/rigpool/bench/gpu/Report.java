package io.rigpool.bench.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rigpool.planner.estimate.speed.DecodeObservation;
import io.rigpool.planner.estimate.speed.NodeSpeed;
import io.rigpool.planner.estimate.speed.SpeedCalibration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Everything bench/results/gpu.json holds, filled in as the points are measured and rewritten after each. */
final class Report {

    /** A point that did not run, and why. */
    record Skipped(String model, int nGpuLayers, String reason) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    final List<OffloadRow> rows = new ArrayList<>();
    final List<Skipped> skipped = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    final Set<String> devices = new LinkedHashSet<>();
    final Map<String, Map<String, Object>> cudaContext = new LinkedHashMap<>();
    String nativesManifest;
    double cpuGbpsAllThreads;
    final String loadAverageAtStart = loadAverage();
    double runtimeSeconds;
    /** The planner's own calibration (planner/core), fitted to every measured point of this run. */
    NodeSpeed calibration;
    private final Options options;
    private final Optional<NvidiaSmi.Device> device;
    private final double cpuGbps;
    private final Optional<GpuBandwidths.Datasheet> datasheet;
    private final Double gpuGbpsForModel;
    private final Set<String> builds = new LinkedHashSet<>();
    private final Set<String> backends = new LinkedHashSet<>();

    Report(Options options, Optional<NvidiaSmi.Device> device, double cpuGbps,
            Optional<GpuBandwidths.Datasheet> datasheet, Double gpuGbpsForModel) {
        this.options = options;
        this.device = device;
        this.cpuGbps = cpuGbps;
        this.datasheet = datasheet;
        this.gpuGbpsForModel = gpuGbpsForModel;
    }

    void skip(String model, int nGpuLayers, String reason) {
        skipped.add(new Skipped(model, nGpuLayers, reason));
    }

    void llamaCppBuild(String build) {
        if (!build.isBlank()) {
            builds.add(build);
        }
    }

    void backend(String backend) {
        backends.add(backend);
    }

    String backendSummary() {
        return backends.isEmpty() ? "none" : String.join("+", backends);
    }

    /**
     * Fits the planner's speed calibration to every measured point, starting from the same datasheet figures the
     * prediction used, and adds the fitted prediction to each row: how close the planner gets once it has measured.
     */
    void calibrate() {
        List<DecodeObservation> points = new ArrayList<>();
        for (OffloadRow r : rows) {
            if (r.measuredTps() > 0) {
                points.add(DecodeObservation.ofTokensPerSecond(r.gpuReadBytesAtMeasuredContext(),
                        r.cpuReadBytesAtMeasuredContext(), r.measuredTps()));
            }
        }
        if (points.isEmpty() || !(cpuGbps > 0)) {
            return;
        }
        // Without a GPU the GPU term reads nothing, so any positive prior leaves the fit to the host's figure.
        double gpuPrior = gpuGbpsForModel != null && gpuGbpsForModel > 0 ? gpuGbpsForModel : cpuGbps * 20;
        calibration = SpeedCalibration.fit(NodeSpeed.datasheet(gpuPrior * 1e9, cpuGbps * 1e9), points);
        for (int i = 0; i < rows.size(); i++) {
            OffloadRow r = rows.get(i);
            double tps = calibration.tokensPerSecond(r.gpuReadBytesAtMeasuredContext(),
                    r.cpuReadBytesAtMeasuredContext());
            rows.set(i, r.withCalibration(tps > 0 ? GpuOffloadBenchmark.round(tps, 3) : null));
        }
    }

    void write(Path file) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("device", device.map(NvidiaSmi.Device::name).orElse("none (no NVIDIA GPU)"));
        out.put("driver_version", device.map(NvidiaSmi.Device::driverVersion).orElse(null));
        out.put("cuda_version", device.map(NvidiaSmi.Device::cudaVersion).orElse(null));
        out.put("gpu_memory_bytes", device.map(NvidiaSmi.Device::totalBytes).orElse(null));
        out.put("llama_cpp_build", builds.isEmpty() ? "unknown" : String.join(", ", builds));
        out.put("backend", backendSummary());
        out.put("cuda_devices_seen_by_llama_cpp", List.copyOf(devices));
        out.put("natives", options.natives.map(Path::toString).orElse("the CPU library in de.kherud:llama's jar"));
        out.put("natives_manifest", parseOrNull(nativesManifest));
        out.put("measured_at", Instant.now().toString());
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("cpus", Runtime.getRuntime().availableProcessors());
        host.put("llama_cpp_threads", options.threads);
        host.put("memory_bandwidth_gbps_one_thread", GpuOffloadBenchmark.round(cpuGbps, 2));
        host.put("memory_bandwidth_gbps_all_threads", GpuOffloadBenchmark.round(cpuGbpsAllThreads, 2));
        host.put("load_average_at_start", loadAverageAtStart);
        host.put("load_average_now", loadAverage());
        out.put("host", host);
        Map<String, Object> gpuBandwidth = new LinkedHashMap<>();
        gpuBandwidth.put("datasheet_gbps", datasheet.map(GpuBandwidths.Datasheet::gbps).orElse(null));
        gpuBandwidth.put("datasheet_source", datasheet.map(GpuBandwidths.Datasheet::source).orElse(null));
        gpuBandwidth.put("measured_gbps", options.measuredGpuGbps);
        gpuBandwidth.put("used_for_predicted_tps", gpuGbpsForModel);
        out.put("gpu_bandwidth", gpuBandwidth);
        out.put("n_ctx", options.contextSize);
        out.put("tokens_requested", options.tokens);
        // The first model's figure alone, as the runtime a planner would budget per GPU process; per model beside it.
        out.put("cuda_context_bytes", cudaContext.values().stream().findFirst().map(m -> m.get("bytes"))
                .orElse(null));
        out.put("cuda_context", cudaContext);
        out.put("targets", Map.of(
                "vram", "estimated within 2 % or 64 MiB of nvidia-smi at every point (reported, not asserted)",
                "speed", "predicted within 15 % at every point after calibration (reported, not asserted)"));
        out.put("summary", summary());
        out.put("calibration", calibration == null ? Map.of("fitted", false, "why", "no point was measured")
                : Map.of("gpu_gbps", GpuOffloadBenchmark.round(calibration.gpuBandwidth() / 1e9, 1),
                        "cpu_gbps", GpuOffloadBenchmark.round(calibration.cpuBandwidth() / 1e9, 2),
                        "overhead_ms_per_token", GpuOffloadBenchmark.round(calibration.overheadSeconds() * 1e3, 3),
                        "points", calibration.observations(),
                        "rms_relative_error", GpuOffloadBenchmark.round(calibration.rmsRelativeError(), 4)));
        out.put("rows", rows);
        out.put("skipped", skipped);
        out.put("problems", problems);
        out.put("runtime_seconds", GpuOffloadBenchmark.round(runtimeSeconds, 1));
        out.put("method", "real-shape GGUF files (sparse, zero weights) loaded by the packaged runner "
                + "(worker/runner), one process per point; buffers from llama.cpp's log via Runner.Describe; VRAM "
                + "from nvidia-smi after the measured generation; decode tok/s = (tokens - 1) / decode time, greedy, "
                + "after an 8-token warm-up; estimates from planner/core's MemoryEstimator and DecodeSpeedModel");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(temp.toFile(), out);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        List<OffloadRow> gpuRows = rows.stream().filter(r -> r.backend().equals("cuda")).toList();
        s.put("rows", rows.size());
        s.put("gpu_rows", gpuRows.size());
        s.put("vram_within_target", gpuRows.stream().filter(r -> Boolean.TRUE.equals(r.vramWithinTarget())).count());
        s.put("max_abs_vram_error_bytes", gpuRows.stream().mapToLong(r -> Math.abs(r.vramErrorBytes())).max()
                .orElse(0));
        s.put("max_abs_speed_error_pct", rows.stream().mapToDouble(r -> Math.abs(r.speedErrorPct())).max()
                .orElse(0));
        s.put("max_abs_speed_error_at_measured_context_pct", rows.stream()
                .mapToDouble(r -> Math.abs(r.speedErrorAtMeasuredContextPct())).max().orElse(0));
        s.put("max_abs_calibrated_speed_error_pct", rows.stream().filter(r -> r.calibratedSpeedErrorPct() != null)
                .mapToDouble(r -> Math.abs(r.calibratedSpeedErrorPct())).max().stream().boxed().findFirst()
                .orElse(null));
        return s;
    }

    /** The 1-, 5- and 15-minute load averages: on a shared machine every speed figure reads with them. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static JsonNode parseOrNull(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }
}
