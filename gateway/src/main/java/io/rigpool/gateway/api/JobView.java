package io.rigpool.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;
import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.JobTimings;
import io.rigpool.gateway.jobs.ResponseFormat;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.gateway.jobs.ToolCall;
import io.rigpool.gateway.jobs.Tools;
import io.rigpool.gateway.jobs.store.JobRow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A job as {@code GET /v1/jobs/{id}} shows it; result, usage and timings appear once the job is done. */
public record JobView(
        String id,
        String model,
        String status,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Result result,
        @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage,
        @JsonInclude(JsonInclude.Include.NON_NULL) Timings timings,
        @JsonProperty("node_id") String nodeId,
        String error,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("cancel_requested_at") Instant cancelRequestedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> options) {

    /** A job's options beyond the basic ones, under the request's names; the client's schema as it sent it. */
    static Map<String, Object> optionsOf(GenerationOptions options) {
        Map<String, Object> shown = new LinkedHashMap<>();
        if (options == null) {
            return shown;
        }
        if (options.presencePenalty() != 0) {
            shown.put("presence_penalty", options.presencePenalty());
        }
        if (options.frequencyPenalty() != 0) {
            shown.put("frequency_penalty", options.frequencyPenalty());
        }
        if (options.repeatPenalty() != null) {
            shown.put("repeat_penalty", options.repeatPenalty());
        }
        if (!options.logitBias().isEmpty()) {
            shown.put("logit_bias", options.logitBias());
        }
        if (options.logprobs()) {
            shown.put("logprobs", true);
            shown.put("top_logprobs", options.topLogprobs());
        }
        Tools tools = options.tools();
        if (tools != null) {
            shown.put("tools", new ToolsJson(tools.json()));
            shown.put("tool_choice", tools.function() == null ? tools.choice()
                    : Map.of("type", "function", "function", Map.of("name", tools.function())));
            shown.put("parallel_tool_calls", tools.parallel());
        }
        ResponseFormat format = options.responseFormat();
        if (format.type().equals(ResponseFormat.JSON_SCHEMA_TYPE)) {
            shown.put("response_format", Map.of("type", format.type(),
                    "json_schema", new JsonSchemaFormat(format.name(), format.strict(), format.schema())));
        } else if (!format.type().equals(ResponseFormat.TEXT_TYPE)) {
            shown.put("response_format", Map.of("type", format.type()));
        }
        return shown;
    }

    /** The request's tools as the JSON they are. */
    public record ToolsJson(@JsonRawValue @JsonValue String json) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JsonSchemaFormat(String name, Boolean strict, @JsonRawValue String schema) {
    }

    /**
     * @param logprobs the answer's tokens, as OpenAI's {@code choices[].logprobs}; null unless the job asked
     * @param toolCalls the answer's calls of tools, as OpenAI's {@code message.tool_calls}
     */
    public record Result(String text, @JsonProperty("finish_reason") String finishReason,
            @JsonInclude(JsonInclude.Include.NON_NULL) Logprobs logprobs,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("tool_calls") List<ToolCall> toolCalls) {

        static Result of(GenerationOptions options, String text, String finishReason, List<TokenLogprob> logprobs,
                List<ToolCall> toolCalls) {
            boolean asked = options != null && options.logprobs();
            return new Result(text, finishReason, asked ? new Logprobs(logprobs == null ? List.of() : logprobs)
                    : null, toolCalls == null ? List.of() : toolCalls);
        }
    }

    public record Logprobs(List<TokenLogprob> content) {
    }

    public record Usage(@JsonProperty("prompt_tokens") Integer promptTokens,
            @JsonProperty("completion_tokens") Integer completionTokens) {
    }

    /** How long the parts of the job took on its worker. */
    public record Timings(@JsonProperty("queue_wait_ms") long queueWaitMs, @JsonProperty("load_ms") long loadMs,
            @JsonProperty("prompt_eval_ms") double promptEvalMs, @JsonProperty("decode_ms") double decodeMs,
            @JsonProperty("decode_tps") double decodeTps) {

        static Timings of(JobTimings timings) {
            return timings == null ? null : new Timings(timings.queueWaitMs(), timings.loadMs(),
                    timings.promptEvalMs(), timings.decodeMs(), timings.decodeTps());
        }
    }

    public static JobView of(JobRow job) {
        boolean done = job.status().terminal();
        return new JobView(job.id().toString(), job.model(), job.status().wireName(), job.createdAt(), job.startedAt(),
                job.finishedAt(),
                done ? Result.of(job.generationOptions(), job.resultText(), job.finishReason(), job.resultLogprobs(),
                        job.resultToolCalls()) : null,
                done ? new Usage(job.promptTokens(), job.completionTokens()) : null,
                done ? Timings.of(job.timings()) : null,
                job.nodeId(), job.error(), job.cancelRequestedAt(), optionsOf(job.generationOptions()));
    }
}
