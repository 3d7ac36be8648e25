package io.rigpool.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.TextPiece;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LlamaServerStreamTest {

    @Test
    void logprobsComeWithTheirTextCutToTheAlternativesAskedFor() {
        LlamaServerStream stream = new LlamaServerStream(1);

        Optional<TextPiece> piece = stream.accept("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" cat\"},"
                + "\"logprobs\":{\"content\":[{\"id\":5,\"token\":\" cat\",\"bytes\":[32,99,97,116],\"logprob\":-0.5,"
                + "\"top_logprobs\":[{\"id\":5,\"token\":\" cat\",\"bytes\":[32,99,97,116],\"logprob\":-0.5},"
                + "{\"id\":6,\"token\":\" dog\",\"bytes\":[32,100,111,103],\"logprob\":-1.5}]}]}}]}");

        assertEquals(" cat", piece.orElseThrow().getText());
        assertEquals(1, piece.get().getLogprobsCount());
        assertEquals(-0.5, piece.get().getLogprobs(0).getLogprob());
        assertEquals(" cat", piece.get().getLogprobs(0).getBytes().toStringUtf8());
        assertEquals(1, piece.get().getLogprobs(0).getTopLogprobsCount(), "top_logprobs 1 was asked for");
    }

    @Test
    void streamedCallsAreJoinedByTheirIndex() {
        LlamaServerStream stream = new LlamaServerStream(0);

        stream.accept("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"ci\"}}]}}]}");
        stream.accept("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                + "{\"arguments\":\"ty\\\": \\\"Oslo\\\"}\"}}]}}]}");
        stream.accept("data: {\"choices\":[{\"index\":0,\"finish_reason\":\"tool_calls\",\"delta\":{}}]}");
        assertTrue(stream.accept("data: [DONE]").isEmpty());
        Finished finished = stream.finished(false);

        assertEquals("tool_calls", finished.getFinishReason());
        assertEquals(1, finished.getToolCallsCount());
        assertEquals("c1", finished.getToolCalls(0).getId());
        assertEquals("get_weather", finished.getToolCalls(0).getName());
        assertEquals("{\"city\": \"Oslo\"}", finished.getToolCalls(0).getArguments());
    }
}
