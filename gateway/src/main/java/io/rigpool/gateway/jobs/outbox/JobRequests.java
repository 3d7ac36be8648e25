package io.rigpool.gateway.jobs.outbox;

import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.ToolCall;
import io.rigpool.gateway.jobs.Tools;
import io.rigpool.gateway.jobs.store.JobRow;
import io.rigpool.proto.v1.JobRequest;
import java.time.Instant;
import java.util.UUID;

/** Turns a stored job into the {@link JobRequest} a worker reads from the model's topic. */
public final class JobRequests {

    private JobRequests() {
    }

    public static JobRequest of(JobRow job) {
        return of(job.id(), job.spec(), job.createdAt());
    }

    public static JobRequest of(UUID id, JobSpec spec, Instant createdAt) {
        JobRequest.Builder request = JobRequest.newBuilder()
                .setJobId(id.toString())
                .setModel(spec.model())
                .setMaxTokens(spec.maxTokens())
                .setTemperature((float) spec.temperature())
                .setTopP((float) spec.topP())
                .addAllStop(spec.stop())
                .setSubmittedAtMs(createdAt.toEpochMilli())
                .setStream(spec.stream());
        for (ChatMessage message : spec.messages()) {
            request.addMessages(message(message));
        }
        if (spec.seed() != null) {
            request.setHasSeed(true).setSeed(spec.seed());
        }
        if (!spec.options().equals(GenerationOptions.NONE)) {
            request.setOptions(options(spec.options()));
        }
        return request.build();
    }

    private static io.rigpool.proto.v1.ChatMessage message(ChatMessage message) {
        io.rigpool.proto.v1.ChatMessage.Builder wire = io.rigpool.proto.v1.ChatMessage.newBuilder()
                .setRole(message.role())
                .setContent(message.content());
        for (ToolCall call : message.toolCalls()) {
            wire.addToolCalls(io.rigpool.proto.v1.ToolCall.newBuilder()
                    .setId(call.id()).setName(call.name()).setArguments(call.arguments()));
        }
        if (message.toolCallId() != null) {
            wire.setToolCallId(message.toolCallId());
        }
        return wire.build();
    }

    private static io.rigpool.proto.v1.GenerationOptions options(GenerationOptions options) {
        io.rigpool.proto.v1.GenerationOptions.Builder wire = io.rigpool.proto.v1.GenerationOptions.newBuilder()
                .setPresencePenalty((float) options.presencePenalty())
                .setFrequencyPenalty((float) options.frequencyPenalty());
        if (options.repeatPenalty() != null) {
            wire.setRepeatPenalty(options.repeatPenalty().floatValue());
        }
        options.logitBias().forEach((token, bias) -> wire.putLogitBias(token, bias.floatValue()));
        if (options.responseFormat().constrained()) {
            wire.setJsonSchema(options.responseFormat().enforcedSchema());
        }
        if (options.logprobs()) {
            wire.setLogprobs(true).setTopLogprobs(options.topLogprobs());
        }
        Tools tools = options.tools();
        if (tools != null) {
            wire.setToolsJson(tools.json()).setToolChoice(tools.choice()).setParallelToolCalls(tools.parallel());
            if (tools.function() != null) {
                wire.setToolChoiceFunction(tools.function());
            }
        }
        return wire.build();
    }
}
