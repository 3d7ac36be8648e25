package io.rigpool.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes chat request bodies for fuzzing, from one seed: mostly a valid request with a few fields broken (left out,
 * null, the wrong type, out of range, odd text), sometimes JSON that is not an object or not JSON at all.
 */
final class RequestBodies {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ROLES = {"system", "user", "assistant", "developer", "tool", "USER", "", "robot"};
    private static final String[] TEXTS = {"Hi", "", "Привет", "日本語のテキスト", "emoji 🎲🎲", "line\nbreak",
        "quote \" and \\ backslash", "\u0000 nul"};

    private final Random random;
    private final String servedModel;

    RequestBodies(long seed, String servedModel) {
        this.random = new Random(seed);
        this.servedModel = servedModel;
    }

    String next() {
        int shape = random.nextInt(100);
        if (shape < 4) {
            return notAnObject();
        }
        String body = write(request());
        if (shape < 9) {
            return body.substring(0, random.nextInt(body.length()));
        }
        if (shape < 11) {
            char[] chars = body.toCharArray();
            chars[random.nextInt(chars.length)] = "{}[]\",:x0".charAt(random.nextInt(9));
            return new String(chars);
        }
        return body;
    }

    private Map<String, Object> request() {
        Map<String, Object> body = new LinkedHashMap<>();
        maybe(body, "model", () -> either(new Object[] {servedModel},
                new Object[] {"no-such-model", "", 7, null, List.of(servedModel)}));
        maybe(body, "messages", this::messages);
        maybe(body, "max_tokens", () -> either(new Object[] {1, 16, 4096, null},
                new Object[] {0, -1, 4097, 1.5, "16", 99_999_999_999L}));
        if (random.nextInt(10) == 0) {
            body.put("max_completion_tokens", either(new Object[] {8, null}, new Object[] {0, 5000, "eight"}));
        }
        maybe(body, "temperature", () -> either(new Object[] {0, 0.7, 2, null},
                new Object[] {2.0001, -0.1, "hot", true}));
        maybe(body, "top_p", () -> either(new Object[] {1, 0.5, null}, new Object[] {0, 1.1, -1, "all"}));
        maybe(body, "seed", () -> either(new Object[] {42, -3, null, Long.MAX_VALUE}, new Object[] {1.5, "seed"}));
        maybe(body, "stop", () -> either(new Object[] {"###", List.of("a", "b"), List.of(), null},
                new Object[] {List.of(""), List.of("a", 3), 3, List.of("1", "2", "3", "4", "5"), ""}));
        maybe(body, "stream", () -> either(new Object[] {true, false, null}, new Object[] {"yes", 1}));
        if (random.nextInt(8) == 0) {
            body.put("n", either(new Object[] {1, null}, new Object[] {2, 0, "1"}));
        }
        if (random.nextInt(12) == 0) {
            body.put("tools", either(new Object[] {List.of(), null},
                    new Object[] {List.of(Map.of("type", "function")), "none"}));
        }
        if (random.nextInt(10) == 0) {
            body.put("stream_options", either(new Object[] {Map.of("include_usage", true), null},
                    new Object[] {Map.of("include_usage", "yes"), "on"}));
        }
        if (random.nextInt(5) == 0) {
            body.put("user", "someone");
        }
        return body;
    }

    /** A good value mostly, a bad one sometimes: most bodies break in one or two places, some in none. */
    private Object either(Object[] good, Object[] bad) {
        return random.nextInt(10) < 9 ? pick(good) : pick(bad);
    }

    private Object messages() {
        if (random.nextInt(12) == 0) {
            return pick("Hi", Map.of("role", "user"), 3, null);
        }
        int count = random.nextInt(12) == 0 ? 0 : 1 + random.nextInt(4);
        List<Object> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (random.nextInt(25) == 0) {
                messages.add(pick("hello", 5, null, List.of()));
                continue;
            }
            Map<String, Object> message = new LinkedHashMap<>();
            maybe(message, "role", () -> random.nextInt(10) > 0 ? pick("user", "system", "assistant")
                    : pick((Object[]) ROLES));
            maybe(message, "content", this::content);
            messages.add(message);
        }
        return messages;
    }

    private Object content() {
        int kind = random.nextInt(40);
        if (kind == 0) {
            // Longer than any test model's context.
            return "long ".repeat(2_000 + random.nextInt(4_000));
        }
        if (kind == 1) {
            return List.of(Map.of("type", "text", "text", "part one"), Map.of("type", "text", "text", "two"));
        }
        if (kind == 2) {
            return pick(List.of(Map.of("type", "image_url", "image_url", "x")), List.of("x"), List.of(),
                    List.of(Map.of("type", "text")), 5, null, true);
        }
        return pick((Object[]) TEXTS);
    }

    private String notAnObject() {
        return (String) pick("", "[]", "null", "42", "\"text\"", "true", "{", "}", "{\"model\":", "not json",
                "[{\"model\": \"" + servedModel + "\"}]", "{\"messages\": [}");
    }

    /** Puts the field, almost always; now and then leaves it out. */
    private void maybe(Map<String, Object> body, String field, java.util.function.Supplier<Object> value) {
        if (random.nextInt(30) > 0) {
            body.put(field, value.get());
        }
    }

    private Object pick(Object... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
