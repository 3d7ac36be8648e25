package io.rigpool.worker.owner;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a request to the owner's switches comes from the owner, not from a web page the owner happens to visit.
 * Loopback alone is not enough: a page in the owner's browser can POST to {@code http://127.0.0.1:8082} (a "simple"
 * cross-site request needs no CORS preflight), and through DNS rebinding can even read the answers. So a change needs
 * the {@value #HEADER} header, which a page can only send after a CORS preflight this worker never grants; the Host
 * must name this PC by a loopback name (a rebound domain does not); and an Origin, when a browser sends one, must be
 * loopback too. Pure.
 */
public final class OwnerRequestCheck {

    /** Sent by the owner's scripts and tools: {@code curl -X POST -H 'X-Rigpool-Owner: 1' .../api/owner/pause}. */
    public static final String HEADER = "X-Rigpool-Owner";
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private OwnerRequestCheck() {
    }

    /**
     * @param changes        whether the request changes anything (POST, PUT)
     * @param fromLoopback   the TCP peer is this PC
     * @param host           the Host header, null when missing
     * @param origin         the Origin header, null when missing
     * @param ownerHeader    the {@value #HEADER} header, null when missing
     * @return why the request is refused, empty when it is the owner's
     */
    public static Optional<String> refusal(boolean changes, boolean fromLoopback, String host, String origin,
            String ownerHeader) {
        if (!fromLoopback) {
            return Optional.of("the owner controls answer only to this PC (loopback)");
        }
        if (host == null || !LOOPBACK_NAMES.contains(hostName(host))) {
            return Optional.of("the owner controls answer only to a Host of localhost, 127.0.0.1 or [::1]");
        }
        if (origin != null && !origin.equals("null") && !loopbackOrigin(origin)) {
            return Optional.of("the owner controls do not answer web pages (Origin " + origin + ")");
        }
        if (changes && (ownerHeader == null || ownerHeader.isBlank())) {
            return Optional.of("a change needs the " + HEADER + " header (curl -H '" + HEADER + ": 1' ...)");
        }
        return Optional.empty();
    }

    /** "localhost:8082" → "localhost"; "[::1]:8082" → "[::1]". */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 || h.indexOf(':') != colon ? h : h.substring(0, colon);
    }

    private static boolean loopbackOrigin(String origin) {
        try {
            String host = URI.create(origin.strip()).getHost();
            return host != null && LOOPBACK_NAMES.contains(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
