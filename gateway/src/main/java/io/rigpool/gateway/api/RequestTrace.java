package io.rigpool.gateway.api;

import io.rigpool.common.trace.TraceIds;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/**
 * The trace id of the request being handled: the caller's ({@code traceparent} or {@code X-Request-Id}) when it
 * sent a valid one, else, once the request submits a job, that job's. {@link TraceFilter} fills it in and answers
 * with it in {@code X-Request-Id}.
 */
@RequestScoped
public class RequestTrace {

    private String incoming;
    private String traceId;

    void incoming(String id) {
        this.incoming = id;
        this.traceId = id;
    }

    /** The trace id a new job gets: the caller's, or one made from the job's id; the response carries it. */
    public String forJob(UUID jobId) {
        traceId = incoming != null ? incoming : TraceIds.ofJob(jobId);
        return traceId;
    }

    /** The id the response carries back; null when the caller sent none and no job was made. */
    String traceId() {
        return traceId;
    }
}
