package io.rigpool.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On b4916-format logs: whether the GPU got the layers the planner assigned. */
class OffloadCheckTest {

    @Test
    void gpuLayersOnACpuOnlyLibraryAreWarnedAbout() throws IOException {
        LlamaLoadLog cpuOnly = LlamaLogParser.parse(resource("cpu-b4916-tiny-q8_0.txt"));

        List<String> warnings = OffloadCheck.warnings(33, cpuOnly);

        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("33 layers were assigned to the GPU, but the llama.cpp library in use"
                + " has no usable GPU backend: every layer runs on the CPU"), warnings.get(0));
        assertEquals(List.of(), OffloadCheck.warnings(0, cpuOnly), "nothing asked of the GPU, nothing to say");
    }

    @Test
    void aCudaBuildThatOffloadedWhatWasAskedIsQuiet() throws IOException {
        LlamaLoadLog cuda = LlamaLogParser.parse(resource("cuda-b4916-format.txt"));

        assertEquals(List.of(), OffloadCheck.warnings(20, cuda), "offloaded 20/33 as asked");
    }

    @Test
    void fewerLayersOffloadedThanAskedAreWarnedAbout() throws IOException {
        LlamaLoadLog cuda = LlamaLogParser.parse(resource("cuda-b4916-format.txt"));

        assertEquals(List.of("asked for 33 GPU layers, llama.cpp offloaded 20/33"), OffloadCheck.warnings(33, cuda));
        assertEquals(List.of("asked for 999 GPU layers, llama.cpp offloaded 20/33"),
                OffloadCheck.warnings(999, cuda), "'all layers' means all 33");
    }

    @Test
    void theNoUsableGpuWarningOfACpuBuildCountsAsNoBackend() throws IOException {
        List<String> lines = new ArrayList<>(resource("cuda-b4916-format.txt"));
        lines.add(0, "warning: no usable GPU found, --gpu-layers option will be ignored");

        assertTrue(OffloadCheck.warnings(20, LlamaLogParser.parse(lines)).get(0).contains("no usable GPU backend"));
    }

    private static List<String> resource(String name) throws IOException {
        try (InputStream in = OffloadCheckTest.class.getResourceAsStream("/llama-logs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
