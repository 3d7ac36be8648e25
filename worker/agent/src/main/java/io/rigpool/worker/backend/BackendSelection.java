package io.rigpool.worker.backend;

import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.BackendAttempt;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the llama.cpp library this worker's runners use, as Ollama chooses among its library folders: the newest
 * CUDA folder the driver supports that a probe proves, else the next, else java-llama.cpp's bundled CPU library.
 * Only a proven library makes the node GPU-capable; otherwise the result says why in the owner's terms. Plain Java:
 * the probe is given, so the order and the reasons can be tested without a GPU.
 */
public final class BackendSelection {

    /** Loads the probe model with every layer offloaded through one folder's library. */
    @FunctionalInterface
    public interface Probe {
        ProbeOutcome run(NativesFolder folder) throws InterruptedException;
    }

    /** The backend to report, and the folder runners load their library from (empty: the bundled CPU library). */
    public record Choice(Backend backend, Optional<Path> libraryPath) {
    }

    public static final String BUNDLED = "bundled";

    private BackendSelection() {
    }

    /**
     * @param candidates    folders to try, in order (the configured one, or natives/cuda-N newest first)
     * @param nvidiaGpus    GPUs this PC reports; with none no CUDA library is tried
     * @param missingReason why there is no candidate, said when there is none and a GPU is present
     */
    public static Choice choose(List<NativesFolder> candidates, int nvidiaGpus, Optional<NvidiaDriver> driver,
            String missingReason, Probe probe) throws InterruptedException {
        Backend.Builder backend = Backend.newBuilder().setKind("cpu").setLibrary(BUNDLED);
        driver.ifPresent(d -> backend.setDriverVersion(d.version()).setDriverCuda(d.cuda().toString()));
        if (nvidiaGpus == 0) {
            return cpu(backend, "no NVIDIA GPU found on this PC", List.of());
        }
        if (candidates.isEmpty()) {
            return cpu(backend, missingReason, List.of());
        }
        List<BackendAttempt> attempts = new ArrayList<>();
        for (NativesFolder folder : candidates) {
            Optional<CudaVersion> needed = folder.cudaVersion();
            if (driver.isPresent() && needed.isPresent() && !driver.get().cuda().runs(needed.get())) {
                attempts.add(BackendAttempt.newBuilder().setLibrary(folder.label()).setOutcome(folder.label() + " skipped: the driver "
                        + driver.get().version() + " supports CUDA " + driver.get().cuda() + ", this library needs "
                        + needed.get()).build());
                continue;
            }
            ProbeOutcome outcome = probe.run(folder);
            BackendAttempt attempt = ProbeVerdict.judge(folder, outcome, driver);
            attempts.add(attempt);
            if (attempt.getGpuProven()) {
                RunnerLoadReport report = outcome.report().orElseThrow();
                backend.setKind("cuda").setLibrary(folder.label()).setGpuProven(true)
                        // Natives built from a source snapshot log build "1 (commit)"; the manifest knows better.
                        .setLlamaCppBuild(folder.llamaCppBuild().isEmpty() ? report.getLlamaCppBuild()
                                : folder.llamaCppBuild())
                        .setCudaRuntime(needed.map(CudaVersion::toString).orElse(""))
                        .addAllDevices(report.getDevicesList())
                        .setProbeLayersOffloaded(report.getLayersOffloaded())
                        .setProbeLayersTotal(report.getLayersTotal())
                        .addAllAttempts(attempts);
                return new Choice(backend.build(), Optional.of(folder.path()));
            }
        }
        return cpu(backend, String.join("; ", attempts.stream().map(BackendAttempt::getOutcome).toList()), attempts);
    }

    private static Choice cpu(Backend.Builder backend, String reason, List<BackendAttempt> attempts) {
        return new Choice(backend.setCpuOnlyReason(reason).addAllAttempts(attempts).build(), Optional.empty());
    }
}
