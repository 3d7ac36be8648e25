package io.rigpool.bench.worker;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import io.rigpool.proto.v1.ChatMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: java-llama.cpp in this JVM, the model loaded with the runner's parameters, one generation at a
 * time read token by token, the prompt rendered with the model's chat template as the runner renders it.
 */
final class DirectLoop {

    private final LlamaModel model;
    private final Workload workload;

    DirectLoop(Path modelFile, Workload workload, Path logFile) {
        this.workload = workload;
        this.model = new LlamaModel(new ModelParameters()
                .setModel(modelFile.toString())
                .setCtxSize(workload.contextSize())
                .setParallel(workload.slots())
                .setThreads(workload.threads())
                .setGpuLayers(0)
                .setLogFile(logFile.toString()));
    }

    Measurement generate(int job) {
        String prompt = render(Workload.messages(job));
        InferenceParameters parameters = new InferenceParameters(prompt)
                .setNPredict(workload.tokens())
                .setTemperature(Workload.TEMPERATURE)
                .setSeed(job);
        long start = System.nanoTime();
        long first = 0;
        long last = 0;
        int tokens = 0;
        var iterator = model.generate(parameters).iterator();
        while (iterator.hasNext()) {
            LlamaOutput output = iterator.next();
            // The stream ends with a marker output that carries no token (as the runner counts them).
            if (iterator.hasNext()) {
                tokens++;
                last = System.nanoTime();
                if (first == 0) {
                    first = last;
                }
            }
        }
        double decode = tokens > 1 ? (tokens - 1) / ((last - first) / 1e9) : 0;
        return new Measurement(tokens, (last - start) / 1e9, decode);
    }

    private String render(List<ChatMessage> messages) {
        String system = null;
        List<Pair<String, String>> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            if (m.getRole().equals("system")) {
                system = m.getContent();
            } else {
                turns.add(new Pair<>(m.getRole(), m.getContent()));
            }
        }
        return model.applyTemplate(new InferenceParameters("").setMessages(system, turns));
    }
}
