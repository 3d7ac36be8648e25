package io.rigpool.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobRequestReaderTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JobRequestReader READER = new JobRequestReader(4096, 256, 1.0, 1.0);

    @Test
    void aFullRequestIsReadAsSent() throws Exception {
        JobSpec spec = READER.read(JSON.readTree("""
                {"model": "m", "messages": [{"role": "system", "content": "Be brief."},
                                            {"role": "user", "content": ""}],
                 "max_tokens": 4096, "temperature": 0, "top_p": 0.5, "seed": -3, "stop": ["a", "b"],
                 "stream": false, "store": false, "tools": [], "tool_choice": "none"}"""));

        assertEquals(new JobSpec("m", List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "")),
                4096, 0.0, 0.5, -3L, List.of("a", "b")), spec);
    }

    @Test
    void anAssistantsCallsAndTheToolsAnswerAreRead() throws Exception {
        JobSpec spec = READER.read(JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Weather?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}}]},
                  {"role": "tool", "tool_call_id": "c1", "content": "21 degrees"}]}"""));

        assertEquals(new ChatMessage("assistant", "", List.of(new ToolCall("c1", "get_weather",
                "{\"city\": \"Oslo\"}")), null), spec.messages().get(1));
        assertEquals(new ChatMessage("tool", "21 degrees", List.of(), "c1"), spec.messages().get(2));
    }

    @Test
    void leftOutAndNullOptionsTakeTheDefaults() throws Exception {
        JobSpec spec = READER.read(JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                 "temperature": null, "seed": null, "stop": null}"""));

        assertEquals(256, spec.maxTokens());
        assertEquals(1.0, spec.temperature());
        assertEquals(1.0, spec.topP());
        assertNull(spec.seed());
        assertEquals(List.of(), spec.stop());
    }

    @Test
    void aSingleStopStringIsOneSequence() throws Exception {
        JobSpec spec = READER.read(JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "stop": "###"}"""));

        assertEquals(List.of("###"), spec.stop());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                                     | model
            {"model": "", "messages": [{"role": "user", "content": "x"}]}          | model
            {"model": ["m"], "messages": [{"role": "user", "content": "x"}]}       | model
            {"model": "m"}                                                         | messages
            {"model": "m", "messages": {}}                                         | messages
            {"model": "m", "messages": []}                                         | messages
            {"model": "m", "messages": ["hi"]}                                     | messages[0]
            {"model": "m", "messages": [{"content": "x"}]}                         | messages[0].role
            {"model": "m", "messages": [{"role": "USER", "content": "x"}]}         | messages[0].role
            {"model": "m", "messages": [{"role": "user"}]}                         | messages[0].content
            {"model": "m", "messages": [{"role": "user", "content": null}]}        | messages[0].content
            {"model": "m", "messages": [{"role": "user", "content": ["x"]}]}       | messages[0].content[0]
            {"model": "m", "messages": [{"role": "user", "content": "x"}, {"role": "tool", "content": "y"}]} | messages[1].tool_call_id
            {"model": "m", "messages": [{"role": "user", "content": "x", "tool_calls": []}]} | messages[0].tool_calls
            {"model": "m", "messages": [{"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": "{no"}}]}]} | messages[0].tool_calls[0].function.arguments
            {"model": "m", "messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}]} | messages[0].tool_calls[0].id
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": {}}  | tools
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "retrieval"}]} | tools[0].type
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function", "function": {"name": "a b"}}]} | tools[0].function.name
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": {"type": "function", "function": {"name": "g"}}} | tool_choice.function.name
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "any"} | tool_choice
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tool_choice": "auto"} | tool_choice
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "parallel_tool_calls": false} | parallel_tool_calls
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function", "function": {"name": "f"}}], "response_format": {"type": "json_object"}} | response_format
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 0}        | max_tokens
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": -1}       | max_tokens
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 4097}     | max_tokens
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 1.5}      | max_tokens
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": "8"}      | max_tokens
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 99999999999} | max_tokens
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": -0.1}    | temperature
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 2.01}    | temperature
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": "hot"}   | temperature
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "top_p": 0}             | top_p
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "top_p": 1.1}           | top_p
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "seed": 1.5}            | seed
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "seed": 99999999999999999999} | seed
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": 3}              | stop
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": ["a", 3]}       | stop[1]
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": [""]}           | stop[0]
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": ["a","b","c","d","e"]} | stop
            {"model": "m", "messages": [{"role": "user", "content": "a\\u0000b"}]}  | messages[0].content
            {"model": "m", "messages": [{"role": "user", "content": []}]}          | messages[0].content
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]} | messages[0].content[0].type
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "text"}]}]} | messages[0].content[0].text
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "max_completion_tokens": 0} | max_completion_tokens
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}        | stream
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "n": 2}                 | n
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function"}]} | tools[0].function
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tool_choice": "required"} | tool_choice
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "user": "u-1"}          | user
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "temprature": 0.5}      | temprature
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "presence_penalty": 2.5} | presence_penalty
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "frequency_penalty": "1"} | frequency_penalty
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "repeat_penalty": 0}    | repeat_penalty
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logit_bias": [1]}      | logit_bias
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logit_bias": {"a": 1}} | logit_bias.a
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logit_bias": {"-1": 1}} | logit_bias.-1
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logit_bias": {"07": 1}} | logit_bias.07
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logit_bias": {"7": 100.5}} | logit_bias.7
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logit_bias": {"7": "1"}} | logit_bias.7
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logprobs": 1}          | logprobs
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logprobs": true, "tools": [{"type": "function", "function": {"name": "f"}}]} | logprobs
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "top_logprobs": 21}     | top_logprobs
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "top_logprobs": 3}      | top_logprobs
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": "json"} | response_format
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "xml"}} | response_format.type
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_object", "schema": {}}} | response_format.schema
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema"}} | response_format.json_schema
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", "json_schema": {"name": "a b", "schema": {}}}} | response_format.json_schema.name
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", "json_schema": {"name": "a"}}} | response_format.json_schema.schema
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", "json_schema": {"name": "a", "description": "d", "schema": {}}}} | response_format.json_schema.description
            """)
    void theFirstWrongFieldIsNamed(String body, String field) throws Exception {
        JsonNode tree = JSON.readTree(body);

        ApiException refused = assertThrows(ApiException.class, () -> READER.read(tree));

        assertEquals(400, refused.status());
        assertEquals(ApiException.INVALID_REQUEST, refused.type());
        assertEquals(field, refused.field());
        assertTrue(refused.getMessage().startsWith(field.replaceAll("\\[.*", "")), refused.getMessage());
    }

    @Test
    void openAisNewerFormsAreRead() throws Exception {
        JobSpec spec = READER.read(JSON.readTree("""
                {"model": "m", "messages": [{"role": "developer", "content": "Be brief."},
                    {"role": "user", "content": [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}]}],
                 "max_tokens": 9, "max_completion_tokens": 7, "n": 1, "tools": [], "stream": true,
                 "stream_options": {"include_usage": true}}"""));

        assertEquals(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "one\ntwo")),
                spec.messages());
        assertEquals(7, spec.maxTokens());
        assertTrue(spec.stream());
    }

    @Test
    void streamOptionsAreReadOnTheirOwn() throws Exception {
        assertTrue(JobRequestReader.streamIncludesUsage(JSON.readTree(
                "{\"stream_options\": {\"include_usage\": true}}")));
        assertEquals(false, JobRequestReader.streamIncludesUsage(JSON.readTree("{}")));
        assertEquals("stream_options.include_usage", assertThrows(ApiException.class,
                () -> JobRequestReader.streamIncludesUsage(JSON.readTree(
                        "{\"stream_options\": {\"include_usage\": 1}}"))).field());
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedAsAWhole() throws Exception {
        for (String body : List.of("[]", "\"hi\"", "42", "null")) {
            ApiException refused = assertThrows(ApiException.class, () -> READER.read(JSON.readTree(body)));
            assertNull(refused.field(), body);
        }
        assertNull(assertThrows(ApiException.class, () -> READER.read(null)).field());
    }
}
