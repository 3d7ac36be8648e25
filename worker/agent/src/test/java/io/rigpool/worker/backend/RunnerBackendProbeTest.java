package io.rigpool.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.Backend;
import io.rigpool.worker.runner.RunnerCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real probes: real runner processes load the generated model through each folder's library. No GPU here, so the
 * folders hold what an owner's PC can really end up with: a library that does not load at all (a copy for another
 * platform, a truncated download) and java-llama.cpp's CPU-only library where a CUDA one was expected.
 */
class RunnerBackendProbeTest {

    static final Path RUNNER_JAR = Path.of("../runner/target/rigpool-runner.jar");

    @Test
    void aBrokenFolderFallsBackToTheNextAndACpuOnlyLibraryLeavesTheNodeOnTheCpuWithItsReason(@TempDir Path dir)
            throws Exception {
        Path natives = dir.resolve("natives");
        Files.createDirectories(natives.resolve("cuda-13"));
        Files.writeString(natives.resolve("cuda-13/libjllama.so"), "not an ELF file: a download cut short");
        Files.createDirectories(natives.resolve("cuda-12"));
        copyBundledCpuLibrary(natives.resolve("cuda-12/libjllama.so"));

        RunnerCommand command = new RunnerCommand(ProcessHandle.current().info().command().orElse("java"),
                List.of("-Xmx128m"), RUNNER_JAR, Optional.empty(), 1);
        BackendSelection.Choice choice = BackendSelection.choose(NativesFolder.under(natives), 1, Optional.empty(),
                "none", new RunnerBackendProbe(command, dir.resolve("runners"), Duration.ofSeconds(60)));

        Backend backend = choice.backend();
        assertFalse(backend.getGpuProven());
        assertEquals("cpu", backend.getKind());
        assertEquals(Optional.empty(), choice.libraryPath(), "runners keep the bundled library");
        assertEquals(2, backend.getAttemptsCount(), backend.toString());
        String first = backend.getAttempts(0).getOutcome();
        assertTrue(first.startsWith("natives/cuda-13/libjllama.so did not load, so java-llama.cpp fell back to its"
                + " bundled CPU library") && first.contains("cuda-13/libjllama.so"), first);
        assertEquals("natives/cuda-12/libjllama.so has no CUDA backend", backend.getAttempts(1).getOutcome());
        assertTrue(backend.getCpuOnlyReason().contains("has no CUDA backend"), backend.getCpuOnlyReason());
        try (Stream<Path> left = Files.list(dir.resolve("runners"))) {
            assertEquals(List.of("backend-probe-model"), left.map(p -> p.getFileName().toString()).toList(),
                    "each probe runner removed its own folder");
        }
    }

    /** java-llama.cpp's own CPU library for this platform, from the jar beside the runner. */
    static void copyBundledCpuLibrary(Path target) throws IOException {
        Path jar;
        try (Stream<Path> libs = Files.list(RUNNER_JAR.resolveSibling("lib"))) {
            jar = libs.filter(p -> p.getFileName().toString().matches("llama-\\d.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no java-llama.cpp jar beside " + RUNNER_JAR));
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("de/kherud/llama/Linux/" + arch() + "/libjllama.so");
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, target);
            }
        }
    }

    private static String arch() {
        return System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
    }
}
