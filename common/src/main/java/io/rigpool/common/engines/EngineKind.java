package io.rigpool.common.engines;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The ways a worker runs llama.cpp. The name is what the worker reports ({@code Engine.kind}), what the planner
 * assigns ({@code Assignment.engine}) and what the runner's {@code --engine} takes, so it has one spelling.
 */
public enum EngineKind {
    /** java-llama.cpp (JNI, llama.cpp b4916) inside the runner process: the default. */
    JAVA_LLAMA("java-llama"),
    /** llama.cpp's own llama-server, a child of the runner process, on loopback: current llama.cpp. */
    LLAMA_SERVER("llama-server");

    private final String wireName;

    EngineKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** An empty name is the default engine, as an assignment from a planner that predates engines says nothing. */
    public static Optional<EngineKind> fromWireName(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of(JAVA_LLAMA);
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.wireName.equals(wanted)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
