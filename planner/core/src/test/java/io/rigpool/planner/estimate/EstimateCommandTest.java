package io.rigpool.planner.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EstimateCommandTest {

    @Test
    void answersTheWhatIfForACatalogueShape() {
        String[] out = new String[2];
        int status = run(out, "--shape", "gemma-2-27b-it-Q4_K_M", "--card", "RTX 4060", "--ctx", "4096");
        assertEquals(0, status, out[1]);
        assertTrue(out[0].contains("full offload     19."), out[0]);
        assertTrue(out[0].contains("holds part of it"), out[0]);
        assertTrue(out[0].contains("RTX 4090 24GB"), out[0]);
        assertTrue(out[0].matches("(?s).*n_gpu_layers     \\d+ of 47 \\(\\d+% of the layers\\).*"), out[0]);
    }

    @Test
    void aMixtureOfExpertsModelOnLlamaServerGetsLayersAndExpertsInRam() {
        String[] out = new String[2];
        assertEquals(0, run(out, "--shape", "gpt-oss-20b-MXFP4", "--card", "RTX 4060", "--ctx", "8192"), out[1]);
        assertTrue(out[0].contains("engine           llama-server (llama.cpp 2026-09-28 (de3ff81))"), out[0]);
        assertTrue(out[0].matches("(?s).*n_gpu_layers     25 of 25 \\(100% of the layers and the output head, "
                + "--n-cpu-moe \\d+\\).*"), out[0]);
        assertTrue(out[0].matches("(?s).*gpt-oss-20b-MXFP4 on an 8 GB card: 24 layers on the GPU, the experts of \\d+ "
                + "of them in RAM: .*"), out[0]);
        assertEquals(2, run(out, "--shape", "gpt-oss-20b-MXFP4", "--vram", "8GiB", "--engine", "java-llama"));
        assertTrue(out[1].contains("--engine: java-llama (b4916) does not load gpt-oss"), out[1]);
    }

    @Test
    void badArgumentsNameTheFlagAndExitWith2() {
        String[] out = new String[2];
        assertEquals(2, run(out, "--shape", "gemma-2-27b-it-Q4_K_M", "--vram", "lots"));
        assertTrue(out[1].contains("not a size: 'lots'"), out[1]);
        assertEquals(2, run(out, "--shape", "no-such-model", "--vram", "8GiB"));
        assertTrue(out[1].contains("--shape"), out[1]);
        assertEquals(2, run(out, "--shape", "gemma-2-27b-it-Q4_K_M"));
        assertTrue(out[1].contains("--vram or --card is required"), out[1]);
        assertEquals(2, run(out, "--shape", "gemma-2-27b-it-Q4_K_M", "--vram", "8GiB", "--cache-type-v", "q8_0"));
        assertTrue(out[1].contains("cacheTypeV"), out[1]);
        assertEquals(2, run(out, "--shape", "gemma-2-27b-it-Q4_K_M", "--vram", "8GiB", "--cache-type-k", "q9"));
        assertTrue(out[1].contains("--cache-type-k") && out[1].contains("unknown type 'q9'"), out[1]);
    }

    @Test
    void unknownOptionsAndTwoModelsAreRefusedWithTheUsage() {
        String[] out = new String[2];
        assertEquals(2, run(out, "--shape", "gemma-2-27b-it-Q4_K_M", "--vram", "8GiB", "--vram-size", "9GiB"));
        assertTrue(out[1].contains("Unknown option") && out[1].contains("'--vram-size'"), out[1]);
        assertTrue(out[1].contains("Usage: EstimateCommand"), out[1]);
        assertEquals(2, run(out, "--shape", "gemma-2-27b-it-Q4_K_M", "--model", "x.gguf", "--vram", "8GiB"));
        assertTrue(out[1].contains("mutually exclusive"), out[1]);
        assertEquals(0, run(out, "--help"));
        assertTrue(out[0].contains("--cache-type-k") && out[0].contains("gemma-2-27b-it-Q4_K_M"), out[0]);
    }

    private static int run(String[] out, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = EstimateCommand.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        out[0] = stdout.toString(StandardCharsets.UTF_8);
        out[1] = stderr.toString(StandardCharsets.UTF_8);
        return status;
    }
}
