package io.rigpool.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a loopback port that is free now (servers that must announce their port cannot bind port 0). A port is
 * handed out once per JVM: the kernel may offer a just-closed port again to the next bind, and two servers given the
 * same one before either binds it (a broker's client and controller listeners, say) fail to start.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 100;

    private FreePorts() {
    }

    public static int find() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = bindAny();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no loopback port that was not handed out already, after " + ATTEMPTS
                + " tries");
    }

    private static int bindAny() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
