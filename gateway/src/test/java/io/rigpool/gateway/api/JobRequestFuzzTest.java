package io.rigpool.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Drives the request checks with many generated bodies: every one is either accepted as a well-formed job or refused
 * with a 4xx naming what is wrong; nothing else (no exception of another kind, nothing that would be a 5xx). The
 * seed is printed on failure; set -Dfuzz.seed to replay one.
 */
class JobRequestFuzzTest {

    static final int BODIES = 20_000;
    static final int MAX_TOKENS = 4096;
    static final long CONTEXT_LENGTH = 2048;
    static final String MODEL = "fuzz-model";
    static final ObjectMapper JSON = new ObjectMapper();

    final JobRequestCheck check = new JobRequestCheck(new JobRequestReader(MAX_TOKENS, 256, 1.0, 1.0),
            model -> MODEL.equals(model)
                    ? Optional.of(ModelCatalogEntry.newBuilder().setModelId(MODEL).setContextLength(CONTEXT_LENGTH)
                            .build())
                    : Optional.empty());

    @Test
    void everyBodyIsAcceptedWellFormedOrRefusedWithA4xx() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        RequestBodies bodies = new RequestBodies(seed, MODEL);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < BODIES; i++) {
            String body = bodies.next();
            try {
                if (checkOne(body)) {
                    accepted++;
                } else {
                    refused++;
                }
            } catch (Throwable e) {
                fail("seed " + seed + ", body #" + i + ": " + abbreviate(body) + " -> " + e, e);
            }
        }
        // The generator is meant to hit both sides; a generator that only makes garbage proves little.
        assertTrue(accepted > BODIES / 20, "seed " + seed + ": only " + accepted + " accepted");
        assertTrue(refused > BODIES / 2, "seed " + seed + ": only " + refused + " refused");
    }

    /** @return whether the body was accepted */
    private boolean checkOne(String body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Over HTTP this is the 400 of ApiExceptionMappers.unreadableJson.
            return false;
        }
        JobSpec spec;
        try {
            spec = check.check(tree);
            JobRequestReader.streamIncludesUsage(tree);
        } catch (ApiException refused) {
            assertTrue(refused.status() == 400 || refused.status() == 404, "status " + refused.status());
            assertFalse(refused.getMessage().isBlank());
            if (refused.status() == 404) {
                assertEquals("model", refused.field());
            }
            return false;
        }
        assertEquals(MODEL, spec.model());
        assertTrue(spec.maxTokens() >= 1 && spec.maxTokens() <= MAX_TOKENS, "max_tokens " + spec.maxTokens());
        assertTrue(spec.temperature() >= 0 && spec.temperature() <= 2, "temperature " + spec.temperature());
        assertTrue(spec.topP() > 0 && spec.topP() <= 1, "top_p " + spec.topP());
        assertFalse(spec.messages().isEmpty());
        for (ChatMessage message : spec.messages()) {
            assertTrue(ChatMessage.ROLES.contains(message.role()), message.role());
        }
        assertTrue(spec.messages().stream().noneMatch(m -> m.content().indexOf('\u0000') >= 0));
        assertTrue(spec.stop().size() <= 4 && spec.stop().stream().noneMatch(String::isEmpty), spec.stop().toString());
        assertTrue(PromptSize.estimateTokens(spec.messages()) <= CONTEXT_LENGTH);
        return true;
    }

    static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "… (" + body.length() + " characters)";
    }
}
