package io.rigpool.runner;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.Pair;
import io.rigpool.gguf.GgufModel;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.TextPiece;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The one model this process holds in java-llama.cpp (the default engine). It is loaded once and never closed:
 * java-llama.cpp's close() does not give the memory back, so a model is unloaded by ending the process.
 */
final class LoadedModel implements ModelEngine {

    /** Logged by java-llama.cpp when a load succeeded, after every buffer line. */
    private static final String TOKENS_KEY = "tokenizer.ggml.tokens";
    private static final String LOADED_MARK = "loadModel: model loaded";
    /** Logged last when a load failed. */
    private static final String FAILED_MARK = "load_model: failed to load model";
    private static final Duration LOG_FLUSH_WAIT = Duration.ofSeconds(2);

    private final LlamaModel model;
    private final RunnerOptions options;
    private final RunnerLoadReport report;

    private final int vocabularySize;

    private LoadedModel(LlamaModel model, RunnerOptions options, RunnerLoadReport report, int vocabularySize) {
        this.model = model;
        this.options = options;
        this.report = report;
        this.vocabularySize = vocabularySize;
    }

    static LoadedModel load(RunnerOptions options) throws ModelLoadException {
        Path path = options.model();
        var unreadable = LoadFailureReason.unreadable(path);
        if (unreadable.isPresent()) {
            throw new ModelLoadException(unreadable.get());
        }
        long start = System.nanoTime();
        LlamaModel model;
        try {
            model = new LlamaModel(options.modelParameters());
        } catch (RuntimeException e) {
            // java-llama.cpp throws its (package-private) LlamaException, a RuntimeException.
            List<String> lines = logLines(options, FAILED_MARK);
            throw new ModelLoadException(LoadFailureReason.describe(path, LlamaLogParser.parse(lines)));
        }
        long loadMs = (System.nanoTime() - start) / 1_000_000;
        List<String> logLines = logLines(options, LOADED_MARK);
        LlamaLoadLog log = LlamaLogParser.parse(logLines);
        // The output repeats much of the log (buffer lines too), so only GPU discovery is taken from it.
        List<String> outputAndLog = new ArrayList<>(options.outputFile().map(LoadedModel::readLog).orElse(List.of()));
        outputAndLog.addAll(logLines);
        LlamaLoadLog discovery = LlamaLogParser.parse(outputAndLog);
        RunnerLoadReport report = LoadReportBase.of(options, log, discovery, loadMs)
                .setNativeLibrary(NativeLibraryInUse.path().orElse("")).build();
        return new LoadedModel(model, options, report, vocabularySize(path));
    }

    /** How many tokens the model knows, from its GGUF header; 0 when the header cannot say. */
    static int vocabularySize(Path path) {
        try {
            return GgufModel.open(path).header().array(TOKENS_KEY).map(tokens -> (int) tokens.count()).orElse(0);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The model's vocabulary size (token ids are 0 to size - 1); 0 when unknown. */
    int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public RunnerLoadReport report() {
        return report;
    }

    @Override
    public Finished generate(Generation generation, GenerateRequest request, Consumer<TextPiece> pieces) {
        refuseWhatOnlyLlamaServerDoes(request);
        return generation.run(this, request, text -> pieces.accept(TextPiece.newBuilder().setText(text).build()));
    }

    /**
     * The gateway sends logprobs and tools only to models every replica of which runs on llama-server; a request
     * that still reaches this engine (a plan changed meanwhile) fails naming the field rather than losing it.
     */
    private static void refuseWhatOnlyLlamaServerDoes(GenerateRequest request) {
        if (request.getOptions().getLogprobs()) {
            throw new InvalidRequestException("logprobs: this runner's engine (java-llama.cpp 4.2.0) cannot report"
                    + " token probabilities");
        }
        boolean toolTurns = request.getMessagesList().stream()
                .anyMatch(m -> m.getRole().equals("tool") || m.getToolCallsCount() > 0);
        if (!request.getOptions().getToolsJson().isEmpty() || toolTurns) {
            throw new InvalidRequestException("tools: this runner's engine (java-llama.cpp 4.2.0) cannot call"
                    + " tools");
        }
    }

    RunnerOptions options() {
        return options;
    }

    /**
     * The prompt as the model's chat template renders it. java-llama.cpp 4.2.0 takes the system prompt apart from
     * the turns and accepts only user and assistant turns, so system messages are joined into one system prompt.
     */
    String render(List<ChatMessage> messages) {
        List<String> system = new ArrayList<>();
        List<Pair<String, String>> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            String role = m.getRole().toLowerCase(Locale.ROOT);
            switch (role) {
                case "system" -> system.add(m.getContent());
                case "user", "assistant" -> turns.add(new Pair<>(role, m.getContent()));
                default -> throw new InvalidRequestException("messages: role '" + m.getRole()
                        + "' is not supported (system, user, assistant)");
            }
        }
        if (turns.isEmpty()) {
            throw new InvalidRequestException("messages: at least one user or assistant message is needed");
        }
        String systemPrompt = system.isEmpty() ? null : String.join("\n", system);
        return model.applyTemplate(new InferenceParameters("").setMessages(systemPrompt, turns));
    }

    int countTokens(String text) {
        return model.encode(text).length;
    }

    LlamaIterator start(InferenceParameters parameters) {
        return model.generate(parameters).iterator();
    }

    /**
     * llama.cpp writes its log from a background thread, so the last lines of a load may reach the file a moment
     * after the load returned: read until the line that ends a load is there, or a short deadline passes.
     */
    private static List<String> logLines(RunnerOptions options, String lastLineMark) {
        long deadline = System.nanoTime() + LOG_FLUSH_WAIT.toNanos();
        while (true) {
            List<String> lines = readLog(options.logFile());
            boolean complete = lines.stream().anyMatch(line -> line.contains(lastLineMark));
            if (complete || System.nanoTime() > deadline) {
                return lines;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return lines;
            }
        }
    }

    static List<String> readLog(Path logFile) {
        try {
            // Decoding replaces malformed bytes: llama.cpp logs token pieces, which may be partial UTF-8.
            return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
