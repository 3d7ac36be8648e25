package io.rigpool.worker.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadProgressTest {

    /** The b4916 log of a load, in the order llama.cpp writes it (metadata, tensors with dots, context, done). */
    private static final List<String> METADATA = List.of(
            "build: 4916 (c6af2161) with cc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0 for x86_64-linux-gnu",
            "llama_model_loader: loaded meta data with 23 key-value pairs and 39 tensors from /m/tiny.gguf",
            "print_info: file type   = Q8_0");
    private static final List<String> TENSORS = List.of(
            "load_tensors: loading model tensors, this can take a while... (mmap = true)",
            "load_tensors: layer   0 assigned to device CPU, is_swa = 0",
            "load_tensors:   CPU_Mapped model buffer size =     2.63 MiB");
    private static final List<String> CONTEXT = List.of(
            "llama_context: constructing llama_context",
            "init:        CPU KV buffer size =     4.00 MiB");
    private static final String LOADED = "Java_de_kherud_llama_LlamaModel_loadModel: model loaded";

    @Test
    void eachPhaseOfTheLogMovesTheProgressOn() {
        assertEquals(0f, LoadProgress.of(List.of(), 30));
        assertEquals(0.02f, LoadProgress.of(METADATA, 30));
        assertEquals(0.05f, LoadProgress.of(log(METADATA, TENSORS), 30), 1e-6);
        assertEquals(0.05f + 0.85f * 15 / 30, LoadProgress.of(log(METADATA, TENSORS, List.of(".".repeat(15))), 30),
                1e-6);
        assertEquals(0.90f, LoadProgress.of(log(METADATA, TENSORS, List.of(".".repeat(31))), 30), 1e-6,
                "more dots than predicted never pass the tensor phase");
        assertEquals(0.92f, LoadProgress.of(log(METADATA, TENSORS, List.of(".".repeat(30)), CONTEXT), 30));
        assertEquals(0.98f, LoadProgress.of(log(METADATA, TENSORS, List.of(".".repeat(30)), CONTEXT,
                List.of(LOADED)), 30));
    }

    @Test
    void dotsAreCountedOnlyWhileTensorsLoad() {
        List<String> lines = log(List.of("...."), METADATA, TENSORS, List.of("..........", "  ....."));

        assertEquals(0.05f + 0.85f * 15 / 20, LoadProgress.of(lines, 20), 1e-6);
    }

    @Test
    void oneStepPerTensorThatReachesANewWholePercent() {
        assertEquals(2, LoadProgress.steps(new long[] {50, 50}));
        assertEquals(100, LoadProgress.steps(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1}));
        assertEquals(2, LoadProgress.steps(new long[] {995, 1, 1_000}), "a tiny norm tensor adds no dot");
        assertEquals(1, LoadProgress.steps(new long[0]));
    }

    @SafeVarargs
    private static List<String> log(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        assertTrue(all.size() > 0);
        return all;
    }
}
