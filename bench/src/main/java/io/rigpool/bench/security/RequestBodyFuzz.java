package io.rigpool.bench.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Hostile and broken request bodies against a running gateway's two submission endpoints: every answer must be a
 * 2xx (a body that happens to be valid) or a 4xx with a JSON error, never a 5xx or a dropped connection. Seeded.
 */
final class RequestBodyFuzz {

    private static final List<String> ENDPOINTS = List.of("/v1/jobs", "/v1/chat/completions");
    private static final List<String> VALUES = List.of("null", "true", "-1", "0", "1e309", "9223372036854775808",
            "\"\"", "\"\\u0000\"", "[]", "{}", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", "\"x\"", "3.5",
            "\"\\ud800\"", "{\"type\": \"text\"}", "[{\"role\": \"tool\", \"content\": \"x\"}]");
    private static final List<String> FIELDS = List.of("model", "messages", "max_tokens", "temperature", "top_p",
            "seed", "stop", "stream", "n", "tools", "max_completion_tokens", "response_format");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String gatewayUrl;
    private final String model;

    RequestBodyFuzz(String gatewayUrl, String model) {
        this.gatewayUrl = gatewayUrl;
        this.model = model;
    }

    /** Counts answers by status class; "5xx" and "no answer" are the failures. */
    Map<String, Object> run(int bodies, long seed) throws InterruptedException {
        Random random = new Random(seed);
        Map<String, Integer> byStatus = new TreeMap<>();
        int failures = 0;
        String firstFailure = null;
        for (int i = 0; i < bodies; i++) {
            String body = body(random);
            String endpoint = ENDPOINTS.get(random.nextInt(ENDPOINTS.size()));
            String outcome;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + endpoint))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                boolean jsonError = status < 400 || response.body().strip().startsWith("{");
                outcome = status / 100 + "xx" + (jsonError ? "" : " without a JSON body");
                if (status >= 500 || !jsonError) {
                    failures++;
                    firstFailure = firstFailure == null ? status + " for " + body : firstFailure;
                }
            } catch (java.io.IOException e) {
                outcome = "no answer";
                failures++;
                firstFailure = firstFailure == null ? e + " for " + body : firstFailure;
            }
            byStatus.merge(outcome, 1, Integer::sum);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("bodies", bodies);
        row.put("seed", seed);
        row.put("answers", byStatus);
        row.put("failures", failures);
        row.put("first_failure", firstFailure);
        return row;
    }

    /** A valid request with one to three fields replaced, dropped or added, or now and then plain garbage. */
    private String body(Random random) {
        if (random.nextInt(20) == 0) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            return new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("model", "\"" + model + "\"");
        fields.put("messages", "[{\"role\": \"user\", \"content\": \"Hi\"}]");
        fields.put("max_tokens", "4");
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            String field = FIELDS.get(random.nextInt(FIELDS.size()));
            switch (random.nextInt(3)) {
                case 0 -> fields.remove(field);
                default -> fields.put(field, VALUES.get(random.nextInt(VALUES.size())));
            }
        }
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
                .append(v));
        return json.append('}').toString();
    }
}
