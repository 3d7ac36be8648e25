package io.rigpool.planner.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OffloadFitTest {

    private static final long GIB = 1L << 30;
    private final MemoryEstimator estimator = new MemoryEstimator();
    private final OffloadFit fit = new OffloadFit(estimator);

    @ParameterizedTest(name = "{0} on {1} GiB")
    @CsvSource({"gemma-2-27b-it-Q4_K_M, 8", "gemma-2-27b-it-Q4_K_M, 24", "Llama-3.1-8B-Instruct-Q4_K_M, 6",
        "Qwen2.5-14B-Instruct-Q4_K_M, 12", "Phi-3-mini-4k-instruct-Q4_K_M, 2", "Llama-3.2-1B-Instruct-Q8_0, 1"})
    void largestGpuLayersIsTheLargestThatFits(String shape, int vramGiB) {
        ModelGeometry m = Fixtures.model(shape);
        LoadParameters p = LoadParameters.defaults(4096);
        long reserve = 512L << 20;
        OffloadFit.Choice choice = fit.largestGpuLayers(m, p, vramGiB * GIB, reserve);
        int oracle = 0;
        for (int n = 1; n <= m.layers() + 1; n++) {
            if (estimator.estimate(m, p.withGpuLayers(n)).gpu().total() <= vramGiB * GIB - reserve) {
                oracle = n;
            }
        }
        assertEquals(oracle, choice.value());
        assertEquals(oracle, choice.estimate().parameters().gpuLayers());
        assertTrue(choice.value() == 0 || choice.estimate().gpu().total() <= vramGiB * GIB - reserve);
    }

    @ParameterizedTest(name = "{0} with {1} layers on {2} GiB")
    @CsvSource({"Llama-3.1-8B-Instruct-Q4_K_M, 33, 8", "Llama-3.1-8B-Instruct-Q4_K_M, 0, 0",
        "gemma-2-9b-it-Q4_K_M, 43, 12"})
    void largestContextFitsAndTheNextStepDoesNot(String shape, int gpuLayers, int vramGiB) {
        ModelGeometry m = Fixtures.model(shape);
        LoadParameters p = LoadParameters.defaults(4096).withGpuLayers(gpuLayers);
        long ram = 16 * GIB;
        Optional<OffloadFit.Choice> choice = fit.largestContext(m, p, vramGiB * GIB, 0, ram);
        assertTrue(choice.isPresent());
        int ctx = choice.get().value();
        assertEquals(0, ctx % OffloadFit.CONTEXT_STEP);
        assertTrue(fits(m, p.withContextSize(ctx), vramGiB * GIB, ram));
        if (ctx < m.trainedContext()) {
            assertTrue(!fits(m, p.withContextSize(ctx + OffloadFit.CONTEXT_STEP), vramGiB * GIB, ram));
        }
    }

    private boolean fits(ModelGeometry m, LoadParameters p, long vram, long ram) {
        MemoryEstimate e = estimator.estimate(m, p);
        return (e.gpu().total() == 0 || e.gpu().total() <= vram) && e.cpu().total() <= ram;
    }
}
