package io.rigpool.common.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void modelIdFromFileStemIsAValidTopicSuffix() {
        assertEquals("llama-3.1-8b-instruct-q4_k_m", Topics.modelIdOf("Llama-3.1-8B-Instruct-Q4_K_M"));
        assertEquals("qwen2.5-7b-instruct", Topics.modelIdOf("qwen2.5:7b instruct".replace(' ', '-')));
        assertEquals("a-b", Topics.modelIdOf("a..b"));
        assertEquals("x", Topics.modelIdOf("__x"));
        assertTrue(Topics.isValidModelId(Topics.modelIdOf("Ünïcode Model (v2)")));
    }

    @Test
    void jobsTopicRefusesWhatKafkaWouldRefuse() {
        assertEquals("rigpool.jobs.tiny", Topics.jobs("tiny"));
        assertThrows(IllegalArgumentException.class, () -> Topics.jobs("Tiny"));
        assertThrows(IllegalArgumentException.class, () -> Topics.jobs("a/b"));
        assertThrows(IllegalArgumentException.class, () -> Topics.jobs(""));
        assertThrows(IllegalArgumentException.class, () -> Topics.jobs("x".repeat(Topics.MAX_MODEL_ID_LENGTH + 1)));
        assertFalse(Topics.isValidModelId(null));
        assertThrows(IllegalArgumentException.class, () -> Topics.modelIdOf("---"));
    }
}
