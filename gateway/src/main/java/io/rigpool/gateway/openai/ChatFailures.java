package io.rigpool.gateway.openai;

import io.rigpool.gateway.api.ApiException;
import io.rigpool.gateway.events.JobOutcome;
import java.time.Duration;
import java.util.Map;

/** The errors a chat completion can end with once its job was accepted. */
final class ChatFailures {

    private ChatFailures() {
    }

    /** 502: the gateway is fine, the worker running the job failed. */
    static ApiException jobFailed(JobOutcome outcome) {
        return new ApiException(502, ApiException.SERVER, "the job failed on its worker: "
                + (outcome.error() == null ? "no reason given" : outcome.error()), null, "job_failed", Map.of());
    }

    static ApiException jobCancelled() {
        return ApiException.conflict("the job was cancelled before it finished", "job_cancelled");
    }

    static ApiException timedOut(Duration timeout) {
        return new ApiException(504, ApiException.SERVER, "no worker finished the job within " + timeout
                + "; it was cancelled", null, "timeout", Map.of());
    }
}
