package io.rigpool.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.BackendAttempt;
import io.rigpool.proto.v1.GpuDevice;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The order of the folders and the reasons, with probes that answer as real runs of each kind of library did. */
class BackendSelectionTest {

    static final Path NATIVES = Path.of("/opt/rigpool/natives");
    static final NativesFolder CUDA13 = folder("cuda-13", "13.0");
    static final NativesFolder CUDA12 = folder("cuda-12", "12.4");
    static final Optional<NvidiaDriver> DRIVER_580 = Optional.of(new NvidiaDriver("580.65.06", new CudaVersion(13, 0)));
    static final Optional<NvidiaDriver> DRIVER_550 = Optional.of(new NvidiaDriver("550.54.14", new CudaVersion(12, 4)));

    @Test
    void theNewestFolderThatProvesItselfIsChosen() throws Exception {
        List<String> probed = new ArrayList<>();
        BackendSelection.Choice choice = BackendSelection.choose(List.of(CUDA13, CUDA12), 1, DRIVER_580, "none",
                folder -> {
                    probed.add(folder.label());
                    return ProbeOutcome.loaded(cudaLoad(folder, 5, 5), Optional.empty(), List.of());
                });

        assertEquals(List.of("natives/cuda-13"), probed);
        Backend backend = choice.backend();
        assertTrue(backend.getGpuProven());
        assertEquals("cuda", backend.getKind());
        assertEquals("natives/cuda-13", backend.getLibrary());
        assertEquals("13.0", backend.getCudaRuntime());
        assertEquals("580.65.06", backend.getDriverVersion());
        assertEquals("13.0", backend.getDriverCuda());
        assertEquals("8.9", backend.getDevices(0).getComputeCapability());
        assertEquals(5, backend.getProbeLayersOffloaded());
        assertEquals("4916 (c6af2161)", backend.getLlamaCppBuild(), "the manifest's build, not the logged \"1 (...)\"");
        assertEquals("", backend.getCpuOnlyReason());
        assertEquals(Optional.of(CUDA13.path()), choice.libraryPath());
    }

    @Test
    void aFolderTheDriverCannotRunIsSkippedAndTheNextIsProbed() throws Exception {
        List<String> probed = new ArrayList<>();
        BackendSelection.Choice choice = BackendSelection.choose(List.of(CUDA13, CUDA12), 1, DRIVER_550, "none",
                folder -> {
                    probed.add(folder.label());
                    return ProbeOutcome.loaded(cudaLoad(folder, 5, 5), Optional.empty(), List.of());
                });

        assertEquals(List.of("natives/cuda-12"), probed);
        assertEquals("natives/cuda-12", choice.backend().getLibrary());
        assertEquals("natives/cuda-13 skipped: the driver 550.54.14 supports CUDA 12.4, this library needs 13.0",
                choice.backend().getAttempts(0).getOutcome());
    }

    @Test
    void aFolderThatDoesNotLoadFallsBackToTheNextAndThenToTheCpu() throws Exception {
        Map<String, ProbeOutcome> outcomes = Map.of(
                "natives/cuda-13", ProbeOutcome.loaded(bundledLoad(), Optional.empty(), List.of(
                        NATIVES + "/cuda-13/libjllama.so: libcuda.so.1: cannot open shared object file",
                        "Failed to load native library: " + NATIVES + "/cuda-13/libjllama.so. osinfo: Linux/x86_64")),
                "natives/cuda-12", ProbeOutcome.loaded(cpuOnlyLoad(CUDA12), Optional.empty(), List.of()));

        BackendSelection.Choice choice = BackendSelection.choose(List.of(CUDA13, CUDA12), 1, Optional.empty(),
                "none", folder -> outcomes.get(folder.label()));

        Backend backend = choice.backend();
        assertFalse(backend.getGpuProven());
        assertEquals("cpu", backend.getKind());
        assertEquals(BackendSelection.BUNDLED, backend.getLibrary());
        assertEquals(Optional.empty(), choice.libraryPath());
        assertEquals(List.of(
                "natives/cuda-13/libjllama.so did not load, so java-llama.cpp fell back to its bundled CPU library ("
                        + NATIVES + "/cuda-13/libjllama.so: libcuda.so.1: cannot open shared object file)",
                "natives/cuda-12/libjllama.so has no CUDA backend"),
                backend.getAttemptsList().stream().map(BackendAttempt::getOutcome).toList());
        assertTrue(backend.getCpuOnlyReason().contains("natives/cuda-12/libjllama.so has no CUDA backend"),
                backend.getCpuOnlyReason());
    }

    @Test
    void withoutAnNvidiaGpuNothingIsProbed() throws Exception {
        BackendSelection.Choice choice = BackendSelection.choose(List.of(CUDA13), 0, Optional.empty(), "none",
                folder -> {
                    throw new AssertionError("probed " + folder);
                });

        assertEquals("no NVIDIA GPU found on this PC", choice.backend().getCpuOnlyReason());
        assertFalse(choice.backend().getGpuProven());
    }

    @Test
    void aGpuWithoutNativesSaysWhereTheyWereLookedFor() throws Exception {
        BackendSelection.Choice choice = BackendSelection.choose(List.of(), 1, DRIVER_580,
                "no CUDA natives: /opt/rigpool/natives has no cuda-N folder", folder -> {
                    throw new AssertionError("probed " + folder);
                });

        assertEquals("no CUDA natives: /opt/rigpool/natives has no cuda-N folder",
                choice.backend().getCpuOnlyReason());
    }

    static NativesFolder folder(String name, String cuda) {
        return new NativesFolder(NATIVES.resolve(name), "natives/" + name, CudaVersion.parse(cuda), "4916 (c6af2161)");
    }

    static RunnerLoadReport cudaLoad(NativesFolder folder, int offloaded, int total) {
        return RunnerLoadReport.newBuilder().setNativeLibrary(folder.path().resolve("libjllama.so").toString())
                .setGpuBackendPresent(true).setLayersOffloaded(offloaded).setLayersTotal(total)
                .setLlamaCppBuild("1 (a97dd0e)")
                .addDevices(GpuDevice.newBuilder().setId("CUDA0").setName("NVIDIA GeForce RTX 4090")
                        .setComputeCapability("8.9"))
                .build();
    }

    static RunnerLoadReport cpuOnlyLoad(NativesFolder folder) {
        return RunnerLoadReport.newBuilder().setNativeLibrary(folder.path().resolve("libjllama.so").toString())
                .setGpuBackendPresent(false).setLlamaCppBuild("4916 (c6af2161)").build();
    }

    static RunnerLoadReport bundledLoad() {
        return RunnerLoadReport.newBuilder().setNativeLibrary("/tmp/rigpool-runners/backend-probe-1/native/libjllama.so")
                .setGpuBackendPresent(false).build();
    }
}
