package io.rigpool.bench.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rigpool.common.engines.LlamaServerLog;
import io.rigpool.proto.v1.ChatMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * llama-server called directly over HTTP, the way anyone would call it: the very server the worker's runner started
 * (found by its log under the worker's runner folders), so both paths share one process and every setting.
 */
final class LlamaServerDirect {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI completions;
    private final Workload workload;

    private LlamaServerDirect(int port, Workload workload) {
        this.completions = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        this.workload = workload;
    }

    /** The llama-server a runner under {@code runnersDir} started. */
    static LlamaServerDirect of(Path runnersDir, Workload workload) throws IOException {
        try (Stream<Path> files = Files.walk(runnersDir)) {
            for (Path log : files.filter(f -> f.getFileName().toString().equals("llama.log")).toList()) {
                OptionalInt port = LlamaServerLog.listeningPort(Files.readAllLines(log));
                if (port.isPresent()) {
                    return new LlamaServerDirect(port.getAsInt(), workload);
                }
            }
        }
        throw new IllegalStateException("no llama-server log under " + runnersDir);
    }

    /** The same job as the worker gets: messages, max_tokens, temperature and seed, streamed. */
    Measurement generate(int job) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : Workload.messages(job)) {
            messages.addObject().put("role", m.getRole()).put("content", m.getContent());
        }
        body.put("stream", true).put("max_tokens", workload.tokens()).put("temperature", Workload.TEMPERATURE)
                .put("seed", job);
        body.putObject("stream_options").put("include_usage", true);
        HttpRequest request = HttpRequest.newBuilder(completions).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long start = System.nanoTime();
        long first = 0;
        long last = 0;
        int pieces = 0;
        int tokens = 0;
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.startsWith("data:") || line.contains("[DONE]")) {
                    continue;
                }
                JsonNode chunk = JSON.readTree(line.substring(5));
                JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
                if (content.isTextual() && !content.asText().isEmpty()) {
                    pieces++;
                    last = System.nanoTime();
                    if (first == 0) {
                        first = last;
                    }
                }
                if (chunk.path("usage").has("completion_tokens")) {
                    tokens = chunk.path("usage").path("completion_tokens").asInt();
                    last = System.nanoTime();
                }
            }
        }
        if (response.statusCode() != 200 || tokens == 0) {
            throw new IllegalStateException("llama-server answered " + response.statusCode() + " with " + tokens
                    + " tokens");
        }
        double decode = pieces > 1 ? (tokens - 1) / ((last - first) / 1e9) : 0;
        return new Measurement(tokens, (last - start) / 1e9, decode);
    }

}
