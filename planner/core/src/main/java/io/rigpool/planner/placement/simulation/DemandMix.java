package io.rigpool.planner.placement.simulation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named demand for the catalogue models, in decode tokens per second wanted.
 *
 * @param mixed whether the mix asks for several models at clearly different rates (the "mixed-demand"
 *     cases, where placement by demand should pay most)
 */
public record DemandMix(String name, String description, Map<String, Double> tokensPerSecond, boolean mixed) {

    public static final String LLAMA_8B = "Llama-3.1-8B-Instruct-Q4_K_M";
    public static final String LLAMA_1B = "Llama-3.2-1B-Instruct-Q8_0";
    public static final String GEMMA_9B = "gemma-2-9b-it-Q4_K_M";
    public static final String GEMMA_27B = "gemma-2-27b-it-Q4_K_M";
    public static final String QWEN_7B = "Qwen2.5-7B-Instruct-Q4_K_M";
    public static final String QWEN_14B = "Qwen2.5-14B-Instruct-Q4_K_M";
    public static final String MISTRAL_7B = "Mistral-7B-Instruct-v0.3-Q4_K_M";
    public static final String PHI3_MINI = "Phi-3-mini-4k-instruct-Q4_K_M";

    public DemandMix {
        tokensPerSecond = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tokensPerSecond));
    }

    public double demand(String model) {
        return tokensPerSecond.getOrDefault(model, 0.0);
    }

    /** The benchmark's mixes. */
    public static List<DemandMix> all() {
        return List.of(
                new DemandMix("uniform", "every model 40 tok/s", of(40, 40, 40, 40, 40, 40, 40, 40), false),
                new DemandMix("light", "every model 5 tok/s: capacity to spare", of(5, 5, 5, 5, 5, 5, 5, 5),
                        false),
                new DemandMix("one-hot", "Llama-3.1-8B 900 tok/s, the rest 10", of(900, 10, 10, 10, 10, 10, 10, 10),
                        false),
                new DemandMix("mixed", "a busy office: chat on 8B models, code on Qwen-14B, a little Gemma-27B",
                        of(400, 300, 60, 30, 250, 150, 120, 200), true),
                new DemandMix("long-tail", "Zipf-like: 800, 400, 267, 200, 160, 133, 114, 100 tok/s",
                        of(800, 100, 114, 133, 400, 200, 160, 267), true),
                new DemandMix("big-models", "Qwen-14B 300 and Gemma-27B 120 tok/s, small ones idle",
                        of(0, 0, 60, 120, 0, 300, 0, 0), true),
                new DemandMix("mixed-busy", "the busy office at three times the load: more than the fleet serves",
                        of(1200, 900, 180, 90, 750, 450, 360, 600), true));
    }

    /** The two mixes of issue 14 on {@link SimulatedFleet#threeCards()}: Gemma-2-27B, Qwen2.5-14B, Llama-3.1-8B. */
    public static List<DemandMix> threeCards() {
        return List.of(
                new DemandMix("gemma-heavy", "Gemma-27B 40, Qwen-14B 20, Llama-8B 20 tok/s",
                        bigThree(40, 20, 20), true),
                new DemandMix("small-heavy", "Gemma-27B 5, Qwen-14B 40, Llama-8B 40 tok/s",
                        bigThree(5, 40, 40), true));
    }

    private static Map<String, Double> bigThree(double gemma27b, double qwen14b, double llama8b) {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put(GEMMA_27B, gemma27b);
        map.put(QWEN_14B, qwen14b);
        map.put(LLAMA_8B, llama8b);
        return map;
    }

    /** Demands in the order Llama-8B, Llama-1B, Gemma-9B, Gemma-27B, Qwen-7B, Qwen-14B, Mistral-7B, Phi-3-mini. */
    private static Map<String, Double> of(double... tps) {
        String[] models = {LLAMA_8B, LLAMA_1B, GEMMA_9B, GEMMA_27B, QWEN_7B, QWEN_14B, MISTRAL_7B, PHI3_MINI};
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < models.length; i++) {
            map.put(models[i], tps[i]);
        }
        return map;
    }
}
