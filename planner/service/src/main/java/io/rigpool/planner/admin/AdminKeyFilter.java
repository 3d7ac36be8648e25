package io.rigpool.planner.admin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards the API ({@code /api/}) and the admin page's data ({@code /admin/api/}) with {@link AdminAccess}:
 * changes always need the admin key (bearer header, or the page's session cookie); reads of {@code /api/} only
 * when {@code rigpool.planner.protect-reads} is on; the page's data always. Without a configured key whatever
 * needs one is closed (503), never open.
 */
public class AdminKeyFilter {

    private final AdminAccess access;

    AdminKeyFilter(AdminAccess access) {
        this.access = access;
    }

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext request, HttpServerRequest connection) {
        String path = request.getUriInfo().getPath();
        boolean pageData = path.startsWith("/admin/api/");
        if (!path.startsWith("/api/") && !pageData) {
            return Optional.empty();
        }
        boolean read = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String client = ClientAddress.of(connection);
        Optional<Duration> wait = authorization == null ? Optional.empty() : access.throttle().retryAfter(client);
        if (wait.isPresent()) {
            // A key from an address that sent too many wrong ones is not even compared until its wait is over.
            return Optional.of(Response.fromResponse(ApiErrors.json(429, "too_many_wrong_keys", "Authorization",
                    "too many wrong admin keys from this address; try again later")).header("Retry-After",
                    RetryAfter.seconds(wait.get())).build());
        }
        Cookie session = request.getCookies().get(AdminAccess.COOKIE);
        AdminAccess.Verdict verdict = access.check(read, pageData, authorization,
                session == null ? null : session.getValue(), request.getHeaderString(AdminAccess.REQUEST_HEADER));
        if (authorization != null && verdict == AdminAccess.Verdict.UNAUTHORIZED) {
            access.throttle().failed(client);
        }
        return switch (verdict) {
            case ALLOWED -> Optional.empty();
            case DISABLED -> Optional.of(ApiErrors.json(503, "admin_disabled", null,
                    "the admin API is off: set rigpool.planner.admin-key (RIGPOOL_PLANNER_ADMIN_KEY)"));
            case MISSING_REQUEST_HEADER -> Optional.of(ApiErrors.json(403, "forbidden", AdminAccess.REQUEST_HEADER,
                    "a change made with the admin page's session needs the header " + AdminAccess.REQUEST_HEADER));
            case UNAUTHORIZED -> Optional.of(Response.fromResponse(ApiErrors.json(401, "unauthorized",
                    "Authorization", "this needs the admin key: Authorization: Bearer <key>, or log in at /admin/"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rigpool-planner\"").build());
        };
    }
}
