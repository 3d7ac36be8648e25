package io.rigpool.gateway.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * What {@link ApiKeyMechanism} hands Quarkus Security: the request's {@code Authorization} header as sent (null when
 * there is none), so that {@link Authenticator} alone decides what is a key.
 */
public final class ApiKeyRequest extends BaseAuthenticationRequest {

    private final String authorization;

    ApiKeyRequest(String authorization) {
        this.authorization = authorization;
    }

    String authorization() {
        return authorization;
    }
}
