package io.rigpool.worker.backend;

import static io.rigpool.worker.backend.BackendSelectionTest.CUDA13;
import static io.rigpool.worker.backend.BackendSelectionTest.cudaLoad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.BackendAttempt;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeVerdictTest {

    @Test
    void everyLayerOnTheGpuAndATokenGeneratedProveIt() {
        BackendAttempt attempt = ProbeVerdict.judge(CUDA13, ProbeOutcome.loaded(cudaLoad(CUDA13, 5, 5),
                Optional.empty(), List.of()), Optional.empty());

        assertTrue(attempt.getGpuProven());
        assertEquals("offloaded 5/5 layers of the probe model and generated on CUDA0 (NVIDIA GeForce RTX 4090,"
                + " compute capability 8.9)", attempt.getOutcome());
    }

    @Test
    void aShortOffloadIsNoProof() {
        BackendAttempt attempt = ProbeVerdict.judge(CUDA13, ProbeOutcome.loaded(cudaLoad(CUDA13, 3, 5),
                Optional.empty(), List.of()), Optional.empty());

        assertFalse(attempt.getGpuProven());
        assertEquals("natives/cuda-13/libjllama.so offloaded only 3/5 layers of the probe model, which asked for all",
                attempt.getOutcome());
    }

    @Test
    void aLibraryThatLoadsButCannotRunItsKernelsIsNoProof() {
        BackendAttempt attempt = ProbeVerdict.judge(CUDA13, ProbeOutcome.loaded(cudaLoad(CUDA13, 5, 5),
                Optional.of("the generation failed: UNAVAILABLE (CUDA error: no kernel image is available for"
                        + " execution on the device)"), List.of()), Optional.empty());

        assertFalse(attempt.getGpuProven());
        assertTrue(attempt.getOutcome().contains("could not generate with it")
                && attempt.getOutcome().contains("no kernel image"), attempt.getOutcome());
    }

    @Test
    void anOldDriverIsNamedWithTheVersions() {
        RunnerLoadReport report = RunnerLoadReport.newBuilder()
                .setNativeLibrary(CUDA13.path().resolve("libjllama.so").toString())
                .setGpuInitError("CUDA driver version is insufficient for CUDA runtime version").build();

        BackendAttempt attempt = ProbeVerdict.judge(CUDA13, ProbeOutcome.loaded(report, Optional.empty(), List.of()),
                Optional.of(new NvidiaDriver("550.54.14", new CudaVersion(12, 4))));

        assertEquals("the driver 550.54.14 supports CUDA 12.4, natives/cuda-13/libjllama.so needs 13.0 (CUDA driver"
                + " version is insufficient for CUDA runtime version)", attempt.getOutcome());
    }

    @Test
    void aRunnerThatCouldNotStartIsNoProof() {
        BackendAttempt attempt = ProbeVerdict.judge(CUDA13, ProbeOutcome.notStarted(
                "runner exited with code 134; its last output:\nSIGSEGV", List.of()), Optional.empty());

        assertEquals("natives/cuda-13/libjllama.so could not load the probe model: runner exited with code 134; its"
                + " last output:", attempt.getOutcome());
    }
}
