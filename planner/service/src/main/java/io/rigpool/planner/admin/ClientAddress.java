package io.rigpool.planner.admin;

import io.vertx.core.http.HttpServerRequest;

/**
 * The address a request came from, as the connection says (a proxy's headers count only where the planner is told
 * to trust them, {@code quarkus.http.proxy.*}, which then rewrites the connection's address itself).
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(HttpServerRequest request) {
        return request == null || request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
