package io.rigpool.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromptSizeTest {

    @Test
    void utf8LengthIsCountedWithoutEncoding() {
        for (String text : List.of("", "abc", "Привет", "日本語", "🎲 dice", "a\uD800b")) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, PromptSize.utf8Length(text), text);
        }
    }

    @Test
    void theEstimateIsBytesOverSixPlusTemplateTokens() {
        List<ChatMessage> messages = List.of(new ChatMessage("system", "x".repeat(12)),
                new ChatMessage("user", "y".repeat(13)));
        // 3 to start the reply, 4 per message, ceil(12 / 6) + ceil(13 / 6).
        assertEquals(3 + 4 + 2 + 4 + 3, PromptSize.estimateTokens(messages));
    }

    @Test
    void aPromptThatCannotFitIsRefusedNamingMessagesAndOneThatMightIsNot() throws Exception {
        JobRequestCheck check = new JobRequestCheck(new JobRequestReader(4096, 256, 1.0, 1.0),
                model -> Optional.of(ModelCatalogEntry.newBuilder().setContextLength(100).build()));
        ObjectMapper json = new ObjectMapper();
        // 3 + 4 + 93 = 100 tokens: fits exactly.
        check.check(json.readTree("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \""
                + "z".repeat(93 * 6) + "\"}]}"));

        ApiException refused = assertThrows(ApiException.class, () -> check.check(json.readTree(
                "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"" + "z".repeat(93 * 6 + 1)
                        + "\"}]}")));
        assertEquals(400, refused.status());
        assertEquals("messages", refused.field());
        assertEquals("context_length_exceeded", refused.code());
    }
}
