package io.rigpool.runner;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.GenerationOptions;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One chat completion in one llama.cpp slot. Runs on its own thread and streams text pieces to a consumer.
 *
 * <p>Cancellation is a flag this thread checks after every token, and the thread then cancels its own llama.cpp
 * task: cancelling from another thread while this one waits inside the native receive would leave it waiting for a
 * result that never comes. A token takes milliseconds, so a cancel takes effect within one token.
 */
final class Generation {

    static final String STOP = "stop";
    static final String LENGTH = "length";
    static final String CANCELLED = "cancelled";

    private final String requestId;
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final AtomicInteger sampled = new AtomicInteger();

    Generation(String requestId) {
        this.requestId = requestId;
    }

    String requestId() {
        return requestId;
    }

    /** Records how many tokens the engine has sampled, for the reply to a cancel. */
    void sampledSoFar(int tokens) {
        sampled.set(tokens);
    }

    /** llama.cpp skips token ids outside the vocabulary without a word; a bias asked for must not vanish. */
    static void checkLogitBias(Collection<Integer> tokens, int vocabularySize) {
        for (int token : tokens) {
            if (token < 0 || (vocabularySize > 0 && token >= vocabularySize)) {
                throw new InvalidRequestException("logit_bias: token " + token + " is not in this model's"
                        + " vocabulary of " + vocabularySize + " tokens (ids 0 to " + (vocabularySize - 1) + ")");
            }
        }
    }

    /** Asks the generation to stop after the token it is on; returns the tokens sampled so far. */
    int cancel() {
        cancelRequested.set(true);
        return sampled.get();
    }

    boolean cancelRequested() {
        return cancelRequested.get();
    }

    /**
     * Runs the request to its end and returns how it ended.
     *
     * @throws InvalidRequestException when the request cannot be served as asked (names the field)
     */
    Finished run(LoadedModel model, GenerateRequest request, Consumer<String> pieces) {
        String prompt = model.render(request.getMessagesList());
        int promptTokens = model.countTokens(prompt);
        int slotContext = model.options().slotContext();
        if (promptTokens >= slotContext) {
            throw new InvalidRequestException("messages: the prompt has " + promptTokens
                    + " tokens, a slot of this runner holds " + slotContext);
        }
        int maxTokens = maxTokens(request, slotContext - promptTokens);
        long start = System.nanoTime();
        long firstPieceAt = 0;
        int tokens = 0;
        boolean cancelled = false;
        boolean finished = false;
        LlamaIterator iterator = model.start(parameters(prompt, request, maxTokens, model.vocabularySize()));
        try {
            while (iterator.hasNext()) {
                LlamaOutput output = iterator.next();
                // java-llama.cpp ends the stream with a marker output (empty text in stream mode) after which
                // hasNext() is false; every output before it carries exactly one sampled token.
                boolean marker = !iterator.hasNext();
                if (!marker) {
                    tokens++;
                    sampled.set(tokens);
                    if (firstPieceAt == 0) {
                        firstPieceAt = System.nanoTime();
                    }
                }
                if (!output.text.isEmpty()) {
                    pieces.accept(output.text);
                }
                if (marker) {
                    finished = true;
                } else if (cancelRequested.get()) {
                    cancelled = true;
                    break;
                }
            }
        } finally {
            if (!finished) {
                // Frees the slot: after an exception or a cancel nobody reads the rest of this task.
                iterator.cancel();
            }
        }
        long end = System.nanoTime();
        long decodeFrom = firstPieceAt == 0 ? end : firstPieceAt;
        return Finished.newBuilder()
                .setFinishReason(cancelled ? CANCELLED : tokens >= maxTokens ? LENGTH : STOP)
                .setPromptTokens(promptTokens)
                .setCompletionTokens(tokens)
                .setPromptEvalMs((decodeFrom - start) / 1e6)
                .setDecodeMs((end - decodeFrom) / 1e6)
                .build();
    }

    /** max_tokens 0 means "as many as the slot holds", never unbounded: llama.cpp would shift context forever. */
    private static int maxTokens(GenerateRequest request, int room) {
        if (request.getMaxTokens() < 0) {
            throw new InvalidRequestException("max_tokens: must not be negative, was " + request.getMaxTokens());
        }
        return request.getMaxTokens() == 0 ? room : Math.min(request.getMaxTokens(), room);
    }

    private static InferenceParameters parameters(String prompt, GenerateRequest request, int maxTokens,
            int vocabularySize) {
        InferenceParameters p = new InferenceParameters(prompt)
                .setNPredict(maxTokens)
                .setTemperature(Math.max(0f, request.getTemperature()));
        // proto3 leaves an unset top_p at 0, which would make sampling greedy; 0 means "not set".
        if (request.getTopP() > 0f && request.getTopP() < 1f) {
            p.setTopP(request.getTopP());
        }
        if (request.getHasSeed()) {
            // llama.cpp seeds are 32-bit; the low 32 bits keep distinct small seeds distinct.
            p.setSeed((int) request.getSeed());
        }
        if (request.getStopCount() > 0) {
            p.setStopStrings(request.getStopList().toArray(String[]::new));
        }
        if (request.hasOptions()) {
            applyOptions(p, request.getOptions(), vocabularySize);
        }
        return p;
    }

    /**
     * Penalties, logit bias and the JSON Schema grammar. Only what differs from llama.cpp's defaults is set, so a
     * request without options samples exactly as before they existed.
     */
    private static void applyOptions(InferenceParameters p, GenerationOptions options, int vocabularySize) {
        if (options.getPresencePenalty() != 0f) {
            p.setPresencePenalty(options.getPresencePenalty());
        }
        if (options.getFrequencyPenalty() != 0f) {
            p.setFrequencyPenalty(options.getFrequencyPenalty());
        }
        if (options.getRepeatPenalty() > 0f) {
            p.setRepeatPenalty(options.getRepeatPenalty());
        }
        if (options.getLogitBiasCount() > 0) {
            Map<Integer, Float> bias = new TreeMap<>(options.getLogitBiasMap());
            checkLogitBias(bias.keySet(), vocabularySize);
            p.setTokenIdBias(bias);
        }
        if (!options.getJsonSchema().isEmpty()) {
            p.setGrammar(LlamaModel.jsonSchemaToGrammar(options.getJsonSchema()));
        }
    }
}
