package io.rigpool.gateway.events;

import io.rigpool.gateway.jobs.JobProgress;
import io.rigpool.gateway.jobs.JobStatus;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.gateway.jobs.ToolCall;
import io.rigpool.gateway.jobs.store.JobRow;
import java.util.List;

/**
 * How a job ended, as a client sees it: from the worker's final update, or from the stored row.
 *
 * @param logprobs the answer's tokens with their log probabilities; empty unless the job asked for them
 * @param toolCalls the answer's calls of tools; empty when it made none
 */
public record JobOutcome(JobStatus status, String text, String finishReason, Integer promptTokens,
        Integer completionTokens, String error, List<TokenLogprob> logprobs, List<ToolCall> toolCalls) {

    public JobOutcome {
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public JobOutcome(JobStatus status, String text, String finishReason, Integer promptTokens,
            Integer completionTokens, String error) {
        this(status, text, finishReason, promptTokens, completionTokens, error, List.of(), List.of());
    }

    public static JobOutcome of(JobProgress.Finished finished) {
        return new JobOutcome(finished.status(), finished.text(), finished.finishReason(), finished.promptTokens(),
                finished.completionTokens(), finished.error(), finished.logprobs(), finished.toolCalls());
    }

    /** @throws IllegalArgumentException for a job that has not ended */
    public static JobOutcome of(JobRow job) {
        if (!job.status().terminal()) {
            throw new IllegalArgumentException("job " + job.id() + " is " + job.status().wireName());
        }
        return new JobOutcome(job.status(), job.resultText(), job.finishReason(), job.promptTokens(),
                job.completionTokens(), job.error(), job.resultLogprobs(), job.resultToolCalls());
    }

    public String textOrEmpty() {
        return text == null ? "" : text;
    }
}
