package io.rigpool.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gateway.api.JsonWriter;
import io.rigpool.gateway.events.JobOutcome;
import io.rigpool.gateway.events.SseStream;
import io.rigpool.gateway.jobs.JobStatus;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.gateway.jobs.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes of OpenAI's streaming format, as the gateway writes them. */
class ChatStreamTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachChunkCarriesItsTokensLogprobsAndTheCallsComeWholeBeforeTheFinish() throws Exception {
        SseStream sse = new SseStream();
        ChatStream stream = new ChatStream(sse, new JsonWriter(JSON), "chatcmpl-3", 1, "tiny", false, true);
        TokenLogprob hel = new TokenLogprob("Hel", -0.5, List.of(72, 101, 108), List.of());
        TokenLogprob lo = new TokenLogprob("lo", -1.0, List.of(108, 111), List.of());
        stream.onPiece(0, "Hel", List.of(hel));
        stream.onFinished(new JobOutcome(JobStatus.SUCCEEDED, "Hello", "tool_calls", 3, 2, null, List.of(hel, lo),
                List.of(new ToolCall("c1", "f", "{}"))));

        List<JsonNode> chunks = new ArrayList<>();
        for (String frame : new String(concat(sse), StandardCharsets.UTF_8).split("\n\n")) {
            if (!frame.equals("data: [DONE]")) {
                chunks.add(JSON.readTree(frame.substring(6)));
            }
        }
        assertEquals("Hel", chunks.get(1).at("/choices/0/logprobs/content/0/token").asText());
        assertEquals("lo", chunks.get(2).at("/choices/0/delta/content").asText(), "the rest, with its token");
        assertEquals("lo", chunks.get(2).at("/choices/0/logprobs/content/0/token").asText());
        assertEquals("c1", chunks.get(3).at("/choices/0/delta/tool_calls/0/id").asText());
        assertEquals("f", chunks.get(3).at("/choices/0/delta/tool_calls/0/function/name").asText());
        assertEquals("tool_calls", chunks.get(4).at("/choices/0/finish_reason").asText());
    }

    @Test
    void roleThenTokensThenRestThenFinishThenUsageThenDone() throws Exception {
        SseStream sse = new SseStream();
        ChatStream stream = new ChatStream(sse, new JsonWriter(JSON), "chatcmpl-1", 1700000000, "tiny", true,
                false);
        stream.onPiece(0, "Hel", List.of());
        stream.onPiece(1, "", List.of());
        stream.onFinished(new JobOutcome(JobStatus.SUCCEEDED, "Hello", "length", 3, 2, null));

        String text = new String(concat(sse), StandardCharsets.UTF_8);
        List<String> frames = List.of(text.split("\n\n"));
        assertTrue(frames.stream().allMatch(frame -> frame.startsWith("data: ")), text);
        assertEquals("data: [DONE]", frames.get(frames.size() - 1));
        List<JsonNode> chunks = new ArrayList<>();
        for (String frame : frames.subList(0, frames.size() - 1)) {
            chunks.add(JSON.readTree(frame.substring(6)));
        }
        assertEquals(5, chunks.size(), text);
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        assertEquals("Hel", chunks.get(1).at("/choices/0/delta/content").asText());
        assertEquals("lo", chunks.get(2).at("/choices/0/delta/content").asText());
        assertTrue(chunks.get(1).at("/choices/0/finish_reason").isNull(), "finish_reason written as null");
        assertEquals("length", chunks.get(3).at("/choices/0/finish_reason").asText());
        assertEquals(0, chunks.get(4).get("choices").size());
        assertEquals(5, chunks.get(4).at("/usage/total_tokens").asInt());
        chunks.forEach(chunk -> assertEquals("chatcmpl-1", chunk.get("id").asText()));
        assertTrue(sse.ended());
    }

    @Test
    void aFailedJobEndsWithAnErrorEvent() throws Exception {
        SseStream sse = new SseStream();
        ChatStream stream = new ChatStream(sse, new JsonWriter(JSON), "chatcmpl-2", 1, "tiny", false, false);
        stream.onFinished(new JobOutcome(JobStatus.FAILED, null, null, null, null, "out of memory"));

        String[] frames = new String(concat(sse), StandardCharsets.UTF_8).split("\n\n");
        JsonNode error = JSON.readTree(frames[frames.length - 1].substring(6));
        assertEquals("job_failed", error.at("/error/code").asText());
        assertTrue(error.at("/error/message").asText().contains("out of memory"));
    }

    private static byte[] concat(SseStream sse) {
        return sse.body().collect().in(java.io.ByteArrayOutputStream::new, (out, bytes) -> out.writeBytes(bytes))
                .await().indefinitely().toByteArray();
    }
}
