package io.rigpool.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's HTTP client of the gateway: OpenAI chat completions (non-streaming: the answer comes when the
 * job's result is back from the worker) and the job status a client would poll.
 */
final class GatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID_PREFIX = "chatcmpl-";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String modelId;

    GatewayClient(String baseUrl, String modelId) {
        this.baseUrl = baseUrl;
        this.modelId = modelId;
    }

    /** Runs a job through {@code POST /v1/chat/completions}; returns the job id once the completion came back. */
    String complete(BenchJob job) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofByteArray(job.requestBody(modelId)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || body.path("choices").path(0).path("finish_reason").isMissingNode()) {
            throw new IllegalStateException("chat completion answered " + response.statusCode() + ": "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        String id = body.path("id").asText();
        return id.startsWith(ID_PREFIX) ? id.substring(ID_PREFIX.length()) : id;
    }

    /**
     * Runs a job through {@code POST /v1/chat/completions} with {@code stream: true}, reading the server-sent events
     * to their end; returns the nanoseconds from sending until the first chunk with generated text arrived (the
     * role-only chunk the stream opens with does not count).
     */
    long streamFirstToken(BenchJob job) throws IOException, InterruptedException {
        ObjectNode request = (ObjectNode) JSON.readTree(job.requestBody(modelId));
        request.put("stream", true);
        long start = System.nanoTime();
        HttpResponse<java.util.stream.Stream<String>> response = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                        .build(), HttpResponse.BodyHandlers.ofLines());
        long firstToken = -1;
        boolean done = false;
        try (java.util.stream.Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                String data = line.substring("data: ".length());
                if (data.equals("[DONE]")) {
                    // Read on to the body's end rather than break: a stream closed before its last chunk closes
                    // the connection under the client, whose next request on it then fails ("header parser
                    // received no bytes", seen once in a warm-up's streaming client).
                    done = true;
                    continue;
                }
                String content = JSON.readTree(data).path("choices").path(0).path("delta").path("content").asText("");
                if (firstToken < 0 && !content.isEmpty()) {
                    firstToken = System.nanoTime() - start;
                }
            }
        }
        if (response.statusCode() != 200 || !done || firstToken < 0) {
            throw new IllegalStateException("streamed chat completion answered " + response.statusCode()
                    + (done ? " without text" : " without [DONE]"));
        }
        return firstToken;
    }

    /** Polls {@code GET /v1/jobs/{id}} until the job is stored as succeeded; returns when that was seen. */
    long awaitStored(String jobId, Duration timeout) throws IOException, InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/jobs/" + jobId)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            HttpResponse<byte[]> response = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
            long at = System.nanoTime();
            String status = JSON.readTree(response.body()).path("status").asText();
            if (response.statusCode() == 200 && "succeeded".equals(status)) {
                return at;
            }
            if (response.statusCode() != 200 || "failed".equals(status) || "cancelled".equals(status)) {
                throw new IllegalStateException("job " + jobId + ": " + response.statusCode() + " "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            if (at > deadline) {
                throw new IllegalStateException("job " + jobId + " not stored as succeeded within " + timeout);
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
