package io.rigpool.runner;

import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.GpuDevice;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what llama.cpp logged while loading a model. java-llama.cpp reports a failed load only as "could not load
 * model from given file path" and exposes no buffer sizes, so its log (b4916 format, also the older
 * {@code llm_load_tensors: CPU buffer size} form, and llama-server's of 2026 with a time and level before each line)
 * is the only source of the measured memory and of the reason a
 * load failed. Pure: lines in, {@link LlamaLoadLog} out.
 */
public final class LlamaLogParser {

    /** e.g. {@code load_tensors:   CPU_Mapped model buffer size =    35.40 MiB} or {@code init: CUDA0 KV buffer ...}. */
    private static final Pattern BUFFER = Pattern.compile(
            "^\\s*([\\w.]+):\\s+(\\S+)\\s+(?:(model|KV|compute|output)\\s+)?buffer size\\s*=\\s*(\\d+(?:\\.\\d+)?) MiB");
    private static final Pattern OFFLOADED = Pattern.compile("offloaded (\\d+)/(\\d+) layers to GPU");
    private static final Pattern USING_DEVICE = Pattern.compile("using device (\\S+) \\((.*)\\) - (\\d+) MiB free");
    private static final Pattern USING_DEVICE_SHORT = Pattern.compile("using device (\\S+) \\(");
    /** ggml_cuda_init's list: "  Device 0: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes". */
    private static final Pattern CUDA_DEVICE = Pattern.compile(
            "^Device (\\d+): (.+), compute capability (\\d+\\.\\d+)");
    /** "ggml_cuda_init: failed to initialize CUDA: CUDA driver version is insufficient for CUDA runtime version". */
    private static final Pattern CUDA_INIT_FAILED = Pattern.compile("failed to initialize CUDA: (.+)$");
    private static final Pattern BUILD = Pattern.compile("^build: (\\d+ \\(\\w+\\))");
    private static final Pattern ERROR = Pattern.compile("\\berror\\b|failed to|\\bcannot allocate\\b",
            Pattern.CASE_INSENSITIVE);
    private static final String NO_GPU = "no usable GPU found";
    /** Metadata dump lines quote the model's own strings (names, chat templates), which may say "error". */
    private static final String METADATA_DUMP = "llama_model_loader: - kv";
    private static final long MIB = 1024L * 1024L;
    /** Newer llama.cpp (llama-server) writes its log file with a time and level before each line: "0.00.011.850 I ". */
    private static final Pattern TIME_AND_LEVEL = Pattern.compile("^\\d+\\.\\d+\\.\\d+\\.\\d+ [TDIWE] ");

    private LlamaLogParser() {
    }

    public static LlamaLoadLog parse(List<String> lines) {
        List<DeviceBuffer> buffers = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        // A line read twice (the log and the output both carry it) names the same device.
        Map<String, GpuDevice> cudaDevices = new LinkedHashMap<>();
        Map<String, Long> freeMib = new LinkedHashMap<>();
        String gpuInitError = "";
        Set<String> warnings = new LinkedHashSet<>();
        Set<String> errors = new LinkedHashSet<>();
        int offloaded = 0;
        int total = 0;
        boolean noGpuWarning = false;
        String build = "";
        for (String raw : lines) {
            String line = TIME_AND_LEVEL.matcher(raw.strip()).replaceFirst("");
            if (line.isEmpty() || line.startsWith(METADATA_DUMP)) {
                continue;
            }
            Matcher m = BUFFER.matcher(line);
            if (m.find()) {
                BufferKind kind = kind(m.group(1), m.group(3));
                if (kind != BufferKind.BUFFER_KIND_UNSPECIFIED) {
                    buffers.add(DeviceBuffer.newBuilder().setDevice(m.group(2)).setKind(kind)
                            .setBytes(mibToBytes(m.group(4))).build());
                }
                continue;
            }
            m = OFFLOADED.matcher(line);
            if (m.find()) {
                offloaded = Integer.parseInt(m.group(1));
                total = Integer.parseInt(m.group(2));
                continue;
            }
            m = USING_DEVICE.matcher(line);
            if (m.find()) {
                devices.add(m.group(1));
                freeMib.put(m.group(1), Long.parseLong(m.group(3)));
                continue;
            }
            m = USING_DEVICE_SHORT.matcher(line);
            if (m.find()) {
                devices.add(m.group(1));
                continue;
            }
            m = CUDA_DEVICE.matcher(line);
            if (m.find()) {
                cudaDevices.put("CUDA" + m.group(1), GpuDevice.newBuilder().setId("CUDA" + m.group(1))
                        .setName(m.group(2).strip()).setComputeCapability(m.group(3)).build());
                continue;
            }
            m = CUDA_INIT_FAILED.matcher(line);
            if (m.find()) {
                gpuInitError = m.group(1).strip();
                errors.add(line);
                continue;
            }
            m = BUILD.matcher(line);
            if (m.find() && build.isEmpty()) {
                build = m.group(1);
                continue;
            }
            if (line.contains(NO_GPU)) {
                noGpuWarning = true;
            }
            if (line.toLowerCase(Locale.ROOT).startsWith("warning:")) {
                warnings.add(line);
            } else if (ERROR.matcher(line).find()) {
                errors.add(line);
            }
        }
        boolean gpuBackend = !devices.isEmpty() && !noGpuWarning;
        List<GpuDevice> found = new ArrayList<>();
        for (GpuDevice device : cudaDevices.values()) {
            Long free = freeMib.get(device.getId());
            found.add(free == null ? device : device.toBuilder().setFreeBytes(free * MIB).build());
        }
        return new LlamaLoadLog(buffers, offloaded, total, devices, gpuBackend, build, List.copyOf(warnings),
                List.copyOf(errors), found, gpuInitError);
    }

    /**
     * llama.cpp prints MiB with two decimals, so a logged size is only known to ±0.005 MiB (about ±5 KiB):
     * the byte count is the nearest whole byte of the printed value, not the exact allocation.
     */
    static long mibToBytes(String mib) {
        return new BigDecimal(mib).multiply(BigDecimal.valueOf(MIB)).setScale(0, java.math.RoundingMode.HALF_UP)
                .longValueExact();
    }

    private static BufferKind kind(String function, String kind) {
        if (kind == null) {
            // Builds before b4400 wrote "llm_load_tensors: CPU buffer size" for the model weights.
            return function.endsWith("load_tensors") ? BufferKind.BUFFER_KIND_MODEL : BufferKind.BUFFER_KIND_UNSPECIFIED;
        }
        return switch (kind) {
            case "model" -> BufferKind.BUFFER_KIND_MODEL;
            case "KV" -> BufferKind.BUFFER_KIND_KV;
            case "compute" -> BufferKind.BUFFER_KIND_COMPUTE;
            case "output" -> BufferKind.BUFFER_KIND_OUTPUT;
            default -> BufferKind.BUFFER_KIND_UNSPECIFIED;
        };
    }
}
