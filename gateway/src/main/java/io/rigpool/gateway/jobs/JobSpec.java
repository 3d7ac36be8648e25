package io.rigpool.gateway.jobs;

import java.util.List;

/**
 * What a client asked for, already checked and with defaults filled in: a job is stored and queued exactly as
 * described here.
 *
 * @param seed null when the client left sampling unseeded
 */
public record JobSpec(String model, List<ChatMessage> messages, int maxTokens, double temperature, double topP,
        Long seed, List<String> stop) {

    public JobSpec {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
    }
}
