package io.rigpool.gateway.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Authentication off makes every caller an admin without limits, so it is allowed only while the HTTP port listens
 * on a loopback address: the machine's own users are the only callers. Plain Java.
 */
public final class AuthOffGuard {

    private AuthOffGuard() {
    }

    /** Why the gateway may not start this way, or empty when it may. */
    public static Optional<String> refusal(boolean authEnabled, String httpHost) {
        if (authEnabled || loopback(httpHost)) {
            return Optional.empty();
        }
        return Optional.of("rigpool.gateway.auth.enabled=false is allowed only with quarkus.http.host on a loopback"
                + " address (127.0.0.1, ::1, localhost), but quarkus.http.host is " + httpHost
                + ": turn authentication on, or listen on 127.0.0.1 (QUARKUS_HTTP_HOST=127.0.0.1)");
    }

    private static boolean loopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            // A name is resolved: every address it stands for must be loopback, or a remote caller could reach it.
            for (InetAddress address : InetAddress.getAllByName(host.trim())) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
