package io.rigpool.gateway.events;

import io.rigpool.gateway.jobs.JobEntity;
import io.rigpool.gateway.jobs.JobProgress;
import io.rigpool.gateway.jobs.JobStatus;

/** How a job ended, as a client sees it: from the worker's final update, or from the stored row. */
public record JobOutcome(JobStatus status, String text, String finishReason, Integer promptTokens,
        Integer completionTokens, String error) {

    public static JobOutcome of(JobProgress.Finished finished) {
        return new JobOutcome(finished.status(), finished.text(), finished.finishReason(), finished.promptTokens(),
                finished.completionTokens(), finished.error());
    }

    /** @throws IllegalArgumentException for a job that has not ended */
    public static JobOutcome of(JobEntity job) {
        if (!job.status.terminal()) {
            throw new IllegalArgumentException("job " + job.id + " is " + job.status.wireName());
        }
        return new JobOutcome(job.status, job.resultText, job.finishReason, job.promptTokens, job.completionTokens,
                job.error);
    }

    public String textOrEmpty() {
        return text == null ? "" : text;
    }
}
