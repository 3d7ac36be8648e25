package io.rigpool.bench.gateway;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import java.nio.file.Path;
import java.util.List;

/**
 * The same inference without the pipeline: java-llama.cpp in this JVM, the model loaded with the runner's
 * parameters (context, slots, threads), the chat rendered with the model's template as the runner renders it, then
 * one generation read to its end. Safe to call from as many threads as there are slots.
 */
final class DirectInference {

    private final LlamaModel model;

    DirectInference(Path modelFile, int contextSize, int slots, int threads) {
        this.model = new LlamaModel(new ModelParameters()
                .setModel(modelFile.toString())
                .setCtxSize(contextSize)
                .setParallel(slots)
                .setThreads(threads)
                .setGpuLayers(0)
                // Its per-job lines would flood this benchmark's output (the runner's go to a file); without
                // them the direct path is if anything faster, so the overhead measured is not understated.
                .disableLog());
    }

    /**
     * One generation's times, in nanoseconds from the call: until its first output with text, and until its end;
     * and how many outputs without text came before that first text.
     */
    record Timing(long firstTextNanos, long endNanos, int outputsBeforeText) {
    }

    /** Runs one job and returns its wall time in nanoseconds. */
    long run(BenchJob job) {
        return timed(job).endNanos();
    }

    /**
     * Runs one job to its end and returns its {@link Timing}: the time until its first output with text is the
     * runner's own time to first text (template, prompt, the samples up to it). The SSE side counts the first chunk
     * with text, and the runner sends no piece for an output without text (a token that ends inside a UTF-8
     * character, which the random-weight models often sample first), so the direct side must wait for text as well.
     */
    Timing timed(BenchJob job) {
        long start = System.nanoTime();
        long firstText = -1;
        int before = 0;
        String prompt = model.applyTemplate(new InferenceParameters("").setMessages(null,
                List.of(new Pair<>("user", job.content()))));
        LlamaIterator tokens = model.generate(new InferenceParameters(prompt)
                .setNPredict(job.maxTokens())
                .setTemperature(BenchJob.TEMPERATURE)
                .setSeed(job.seed())).iterator();
        int outputs = 0;
        while (tokens.hasNext()) {
            LlamaOutput output = tokens.next();
            outputs++;
            if (firstText < 0) {
                if (output.text.isEmpty()) {
                    before++;
                } else {
                    firstText = System.nanoTime() - start;
                }
            }
        }
        if (outputs == 0) {
            throw new IllegalStateException("llama.cpp produced nothing for job " + job.seed());
        }
        long end = System.nanoTime() - start;
        return new Timing(firstText < 0 ? end : firstText, end, before);
    }
}
