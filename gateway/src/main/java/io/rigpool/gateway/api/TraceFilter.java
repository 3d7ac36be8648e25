package io.rigpool.gateway.api;

import io.rigpool.common.trace.TraceIds;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Reads the caller's trace id ({@code traceparent}, else {@code X-Request-Id}) before anything else runs, puts it in
 * the log MDC for the request, and answers with the request's trace id in {@code X-Request-Id} (for a submitted job,
 * the id its Kafka records and its worker's logs carry).
 */
public class TraceFilter {

    @Inject
    RequestTrace trace;

    @ServerRequestFilter(preMatching = true)
    public void readTrace(ContainerRequestContext request) {
        TraceIds.fromRequest(request.getHeaderString(TraceIds.TRACEPARENT),
                request.getHeaderString(TraceIds.REQUEST_ID)).ifPresent(id -> {
                    trace.incoming(id);
                    MDC.put(TraceIds.MDC_KEY, id);
                });
    }

    @ServerResponseFilter
    public void answerTrace(ContainerResponseContext response) {
        String id = trace.traceId();
        if (id != null) {
            response.getHeaders().putSingle(TraceIds.REQUEST_ID, id);
        }
        MDC.remove(TraceIds.MDC_KEY);
    }
}
