package io.rigpool.planner.admin;

import io.rigpool.planner.PlannerConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards the admin API: every call that changes something needs {@code Authorization: Bearer <admin key>}; reads
 * need it only when {@code rigpool.planner.protect-reads} is on. Keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so the time taken says nothing about the key or its length. Without a configured
 * key the changing endpoints are closed (503), never open.
 */
public class AdminKeyFilter {

    private final Optional<byte[]> keyDigest;
    private final boolean protectReads;

    AdminKeyFilter(PlannerConfig config) {
        this.keyDigest = config.planner().adminKey().filter(k -> !k.isBlank()).map(AdminKeyFilter::digest);
        this.protectReads = config.planner().protectReads();
    }

    @ServerRequestFilter
    public Optional<jakarta.ws.rs.core.Response> check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Optional.empty();
        }
        boolean read = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        if (read && !protectReads) {
            return Optional.empty();
        }
        if (keyDigest.isEmpty()) {
            return Optional.of(ApiErrors.json(503, "admin_disabled", null,
                    "the admin API is off: set rigpool.planner.admin-key (RIGPOOL_PLANNER_ADMIN_KEY)"));
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : "";
        if (!MessageDigest.isEqual(keyDigest.get(), digest(presented))) {
            jakarta.ws.rs.core.Response r = ApiErrors.json(401, "unauthorized", "Authorization",
                    "this needs the admin key: Authorization: Bearer <key>");
            return Optional.of(jakarta.ws.rs.core.Response.fromResponse(r)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rigpool-planner\"").build());
        }
        return Optional.empty();
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
