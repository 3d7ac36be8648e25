package io.rigpool.gateway.auth;

/** The key table could not be read, so a key could be neither accepted nor refused. */
final class KeyStoreUnavailable extends RuntimeException {

    KeyStoreUnavailable(Throwable cause) {
        super("the API key table cannot be read: " + cause, cause);
    }
}
