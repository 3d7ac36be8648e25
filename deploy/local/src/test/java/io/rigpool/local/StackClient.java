package io.rigpool.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The end-to-end tests' one way of talking to a local stack's gateway and workers over HTTP. */
final class StackClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** For {@code Expect: 100-continue}, which only HTTP/1.1 has. */
    private static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final LocalStack stack;

    StackClient(LocalStack stack) {
        this.stack = stack;
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /**
     * Posts with {@code Expect: 100-continue} over HTTP/1.1: the gateway may refuse the request (413) on its headers
     * before the body is sent.
     */
    HttpResponse<String> postExpectingContinue(String path, String json) {
        try {
            return HTTP_1_1.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path)).expectContinue(true)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The status code of a GET on one of the stack's ports (a service's API or management port). */
    int statusCode(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build()).statusCode();
    }

    /** A GET of the planner's admin API, with the stack's admin key. */
    JsonNode planner(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(stack.plannerUrl() + path))
                .header("Authorization", "Bearer " + stack.plannerAdminKey()).build());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " on the planner answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body());
    }

    /** The ids of the models {@code GET /v1/models} lists. */
    List<String> models() {
        return ModelIds.of(get("/v1/models").body());
    }

    /** OpenAI's official Java client on the stack's gateway: no retries, so every answer is the first one. */
    OpenAIClient openAi() {
        return OpenAIOkHttpClient.builder().baseUrl(stack.gatewayUrl() + "/v1").apiKey("unused-auth-is-off")
                .maxRetries(0).timeout(Duration.ofSeconds(120)).build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path)).build());
    }

    /** Submits a job to {@code POST /v1/jobs}; returns its id. */
    String submit(String model, String prompt, int maxTokens, double temperature, long seed) {
        return submit("""
                {"model": "%s", "messages": [{"role": "user", "content": "%s"}],
                 "max_tokens": %d, "temperature": %s, "seed": %d}""".formatted(model, prompt, maxTokens, temperature,
                seed));
    }

    /** Submits a job as written to {@code POST /v1/jobs}; returns its id. */
    String submit(String json) {
        HttpResponse<String> r = post("/v1/jobs", json);
        if (r.statusCode() != 202) {
            throw new AssertionError("POST /v1/jobs answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body()).get("id").asText();
    }

    JsonNode job(String id) {
        return json(get("/v1/jobs/" + id).body());
    }

    /** The job's status; "unreadable: ..." while the gateway does not answer with JSON. */
    String status(String id) {
        try {
            return job(id).path("status").asText();
        } catch (RuntimeException e) {
            return "unreadable: " + e;
        }
    }

    /** A worker's {@code GET /api/status}; an empty object while it does not answer (starting, restarting). */
    JsonNode workerStatus(ServiceProcess worker) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + worker.httpPort() + "/api/status")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? json(r.body()) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
