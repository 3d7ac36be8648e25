package io.rigpool.worker.runner;

import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Says in one line where llama.cpp put a model, from what it logged while loading it. */
public final class LoadReports {

    private static final double MIB = 1024d * 1024;

    private LoadReports() {
    }

    /**
     * e.g. "20/33 layers on the GPU; CUDA0 3001 MiB, CPU 2197 MiB" or "on the CPU only; the llama.cpp library has
     * no GPU backend; CPU 42 MiB".
     */
    public static String offload(RunnerLoadReport report) {
        StringBuilder s = new StringBuilder();
        if (report.getLayersTotal() > 0) {
            s.append(report.getLayersOffloaded()).append('/').append(report.getLayersTotal())
                    .append(" layers on the GPU");
        } else if (report.getGpuBackendPresent()) {
            s.append("no offload line in llama.cpp's log");
        } else {
            s.append("on the CPU only");
            if (report.getNGpuLayersRequested() > 0) {
                s.append(" although ").append(report.getNGpuLayersRequested())
                        .append(" GPU layers were assigned: the llama.cpp library has no GPU backend");
            }
        }
        Map<String, Long> perDevice = new TreeMap<>();
        for (DeviceBuffer b : report.getBuffersList()) {
            perDevice.merge(b.getDevice().replace("_Mapped", "").replace("_Host", " (host)"), b.getBytes(),
                    Long::sum);
        }
        perDevice.forEach((device, bytes) -> s.append("; ").append(device).append(' ')
                .append(String.format(Locale.ROOT, "%.0f MiB", bytes / MIB)));
        return s.toString();
    }
}
