package io.rigpool.common.engines;

import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What llama-server's log says that its callers need before they can talk to it. Started with {@code --port 0} on
 * loopback, it picks a free port itself and logs it: the runner reads it to serve the model, a benchmark to call the
 * same server directly.
 */
public final class LlamaServerLog {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private LlamaServerLog() {
    }

    /** The port of its "listening on http://127.0.0.1:N" line; empty until it logged one. */
    public static OptionalInt listeningPort(List<String> lines) {
        for (String line : lines) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return OptionalInt.of(Integer.parseInt(m.group(1)));
            }
        }
        return OptionalInt.empty();
    }
}
