package io.rigpool.common.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineArchitecturesTest {

    @Test
    void b4916LoadsTheArchitecturesOfEarly2025AndNoneAfter() {
        Set<String> b4916 = EngineArchitectures.javaLlamaB4916();
        assertEquals(60, b4916.size());
        for (String loaded : new String[] {"llama", "qwen2", "qwen2moe", "gemma2", "gemma3", "phi3", "deepseek2"}) {
            assertTrue(b4916.contains(loaded), loaded);
        }
        for (String later : new String[] {"qwen3", "qwen3moe", "gpt-oss", "llama4", "gemma3n", "glm4moe", "plm",
            "(unknown)"}) {
            assertFalse(b4916.contains(later), later);
        }
    }

    @Test
    void anEmptyEngineNameIsTheDefaultEngine() {
        assertEquals(EngineKind.JAVA_LLAMA, EngineKind.byId("").orElseThrow());
        assertEquals(EngineKind.LLAMA_SERVER, EngineKind.byId("llama-server").orElseThrow());
        assertTrue(EngineKind.byId("vllm").isEmpty());
        assertTrue(EngineKind.LLAMA_SERVER.keepsExpertsInRam());
        assertFalse(EngineKind.JAVA_LLAMA.keepsExpertsInRam());
    }
}
