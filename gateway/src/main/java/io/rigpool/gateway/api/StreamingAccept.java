package io.rigpool.gateway.api;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Lets any {@code Accept} header reach the endpoints that answer with a {@link StreamedResponse}. What they answer
 * (JSON or events) follows the request, not {@code Accept}: OpenAI's clients send {@code Accept: application/json}
 * for streaming requests too. JAX-RS would otherwise refuse with 406 before the resource runs, because these
 * endpoints can declare only one media type.
 */
public class StreamingAccept {

    private static final Pattern STREAMED_PATHS = Pattern.compile("/v1/chat/completions/?|/v1/jobs/[^/]+/events/?");

    @ServerRequestFilter(preMatching = true)
    public void acceptAnything(ContainerRequestContext request) {
        String method = request.getMethod();
        if ((HttpMethod.POST.equals(method) || HttpMethod.GET.equals(method))
                && STREAMED_PATHS.matcher(request.getUriInfo().getPath()).matches()) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, "*/*");
        }
    }
}
