package io.rigpool.worker.backend;

import io.rigpool.proto.v1.BackendAttempt;
import io.rigpool.proto.v1.GpuDevice;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges one probe of a natives folder by what llama.cpp and the process itself said, never by what was configured:
 * the library the process really mapped, the CUDA devices ggml found, the layers it offloaded of a model that asked
 * for all of them, and a token generated on them. Pure.
 */
public final class ProbeVerdict {

    private ProbeVerdict() {
    }

    public static BackendAttempt judge(NativesFolder folder, ProbeOutcome outcome, Optional<NvidiaDriver> driver) {
        String library = folder.label() + "/libjllama.so";
        if (outcome.report().isEmpty()) {
            return failed(folder, library + " could not load the probe model: " + firstLine(outcome.failure()
                    .orElse("no reason given")));
        }
        RunnerLoadReport report = outcome.report().get();
        if (!report.getNativeLibrary().isEmpty() && !isInside(report.getNativeLibrary(), folder.path())) {
            return failed(folder, library + " did not load, so java-llama.cpp fell back to its bundled CPU library"
                    + loaderComplaint(outcome).map(line -> " (" + line + ")").orElse(""));
        }
        if (!report.getGpuBackendPresent()) {
            String error = report.getGpuInitError();
            if (error.toLowerCase(Locale.ROOT).contains("insufficient") && driver.isPresent()) {
                return failed(folder, "the driver " + driver.get().version() + " supports CUDA " + driver.get().cuda()
                        + ", " + library + " needs " + folder.cudaVersion().map(CudaVersion::toString)
                        .orElse("a newer CUDA") + " (" + error + ")");
            }
            if (!error.isEmpty()) {
                return failed(folder, library + " found no usable GPU: " + error);
            }
            return failed(folder, library + " has no CUDA backend");
        }
        if (report.getLayersTotal() == 0 || report.getLayersOffloaded() < report.getLayersTotal()) {
            return failed(folder, library + " offloaded only " + report.getLayersOffloaded() + "/"
                    + report.getLayersTotal() + " layers of the probe model, which asked for all");
        }
        if (outcome.failure().isPresent()) {
            return failed(folder, library + " loaded the probe model on the GPU but could not generate with it: "
                    + firstLine(outcome.failure().get()));
        }
        return BackendAttempt.newBuilder().setLibrary(folder.label()).setGpuProven(true)
                .setOutcome("offloaded " + report.getLayersOffloaded() + "/" + report.getLayersTotal()
                        + " layers of the probe model and generated on " + devices(report))
                .build();
    }

    private static BackendAttempt failed(NativesFolder folder, String outcome) {
        return BackendAttempt.newBuilder().setLibrary(folder.label()).setGpuProven(false).setOutcome(outcome).build();
    }

    private static String devices(RunnerLoadReport report) {
        if (report.getDevicesCount() == 0) {
            return "the GPU";
        }
        StringBuilder text = new StringBuilder();
        for (GpuDevice device : report.getDevicesList()) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(device.getId()).append(" (").append(device.getName()).append(", compute capability ")
                    .append(device.getComputeCapability()).append(')');
        }
        return text.toString();
    }

    /**
     * java-llama.cpp's loader says only on stderr why a library did not load: the linker's message, then "Failed to
     * load native library: PATH".
     */
    private static Optional<String> loaderComplaint(ProbeOutcome outcome) {
        List<String> lines = outcome.output().stream().map(String::strip).toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("Failed to load native library")) {
                return Optional.of(i > 0 ? lines.get(i - 1) : lines.get(i));
            }
        }
        return Optional.empty();
    }

    private static boolean isInside(String file, Path folder) {
        try {
            return Path.of(file).toRealPath().startsWith(folder.toRealPath());
        } catch (IOException | RuntimeException e) {
            return Path.of(file).toAbsolutePath().normalize().startsWith(folder.toAbsolutePath().normalize());
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
