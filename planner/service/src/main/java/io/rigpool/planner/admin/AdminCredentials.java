package io.rigpool.planner.admin;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * What a request offers as proof, as sent: the Authorization header, the admin page's session cookie and its
 * {@value AdminAccess#REQUEST_HEADER} header (each may be null), and the address it came from (for the throttle).
 */
public final class AdminCredentials extends BaseAuthenticationRequest {

    final String authorization;
    final String sessionCookie;
    final String requestedBy;
    final String client;

    AdminCredentials(String authorization, String sessionCookie, String requestedBy, String client) {
        this.authorization = authorization;
        this.sessionCookie = sessionCookie;
        this.requestedBy = requestedBy;
        this.client = client;
    }
}
