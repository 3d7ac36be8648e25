package io.rigpool.gateway.jobs;

import java.util.Set;

/** One turn of a chat: who spoke and what was said. */
public record ChatMessage(String role, String content) {

    /** The roles a chat template knows how to place. */
    public static final Set<String> ROLES = Set.of("system", "user", "assistant");
}
