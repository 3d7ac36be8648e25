package io.rigpool.gateway.auth;

/** Why a request could not be tied to a key. */
public final class AuthenticationFailure extends RuntimeException {

    private AuthenticationFailure(String message) {
        super(message, null, false, false);
    }

    static AuthenticationFailure missing() {
        return new AuthenticationFailure("an API key is required: send 'Authorization: Bearer <key>'");
    }

    static AuthenticationFailure notBearer() {
        return new AuthenticationFailure("the Authorization header must be 'Bearer <key>'");
    }

    static AuthenticationFailure unknownKey() {
        return new AuthenticationFailure("the API key is not valid, or has been revoked");
    }
}
