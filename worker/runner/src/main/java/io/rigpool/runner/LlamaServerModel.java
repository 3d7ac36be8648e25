package io.rigpool.runner;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rigpool.common.engines.LlamaServerLog;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.TextPiece;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model held by llama.cpp's own llama-server, which this runner starts as its child on a loopback port and
 * talks to over HTTP. The runner lives exactly as long as its llama-server: when llama-server exits (a crash, the
 * OOM killer) the runner exits with its code, so the worker sees a runner crash and hands the jobs back as for
 * java-llama.cpp; when the runner ends, it ends llama-server first.
 */
final class LlamaServerModel implements ModelEngine {

    private static final Logger LOG = Logger.getLogger(LlamaServerModel.class.getName());
    /** "flash_attn = enabled", or, when it was "auto", the later "Flash Attention enabled" / "... disabled". */
    private static final Pattern FLASH_ATTENTION = Pattern.compile(
            "flash_attn\\s*=\\s*(enabled|disabled)|Flash Attention (?:was auto, set to )?(enabled|disabled)");
    /** A large model read from a slow disk takes minutes; the worker's own start timeout is the real bound. */
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Process server;
    private final URI base;
    private final HttpClient http;
    private final RunnerLoadReport report;
    private final int vocabularySize;
    private final String toolCallOpening;

    private LlamaServerModel(Process server, URI base, HttpClient http, RunnerLoadReport report, int vocabularySize,
            String toolCallOpening) {
        this.server = server;
        this.base = base;
        this.http = http;
        this.report = report;
        this.vocabularySize = vocabularySize;
        this.toolCallOpening = toolCallOpening;
    }

    static LlamaServerModel start(RunnerOptions options) throws ModelLoadException {
        Path path = options.model();
        Optional<String> unreadable = LoadFailureReason.unreadable(path);
        if (unreadable.isPresent()) {
            throw new ModelLoadException(unreadable.get());
        }
        Path binary = options.engine().llamaServer().orElseThrow();
        if (!Files.isExecutable(binary)) {
            throw new ModelLoadException("llama-server: " + binary + " is not an executable file");
        }
        long start = System.nanoTime();
        Process server;
        try {
            // Its output goes where the runner's goes (the worker's runner output file), for crash reports.
            server = new ProcessBuilder(LlamaServerCommand.arguments(options)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new ModelLoadException("llama-server " + binary + " could not be started: " + e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "stop-llama-server"));
        // The worker died: the runner halts without shutdown hooks, so llama-server is killed here or never.
        ParentProcessWatch.beforeHalt(server::destroyForcibly);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI base = awaitReady(server, options, http);
        long loadMs = (System.nanoTime() - start) / 1_000_000;
        List<String> logLines = LoadedModel.readLog(options.logFile());
        LlamaLoadLog log = LlamaLogParser.parse(logLines);
        String build = build(http, base);
        RunnerLoadReport.Builder report = LoadReportBase.of(options, log, log, loadMs)
                .setNativeLibrary(binary.toString())
                .setFlashAttention(flashAttention(logLines).orElse(options.flashAttn()));
        if (!build.isEmpty()) {
            report.setLlamaCppBuild(build);
        }
        // From now on llama-server's end is the runner's end: the worker treats it as a crash of the runner.
        server.onExit().thenAccept(exited -> {
            int code = exited.exitValue();
            System.err.println("rigpool-runner: llama-server exited with code " + code);
            Runtime.getRuntime().halt(code == 0 ? 1 : code);
        });
        return new LlamaServerModel(server, base, http, report.build(), LoadedModel.vocabularySize(path),
                ToolCallOpening.find(http, base));
    }

    @Override
    public RunnerLoadReport report() {
        return report;
    }

    @Override
    public Finished generate(Generation generation, GenerateRequest request, Consumer<TextPiece> pieces) {
        String body = LlamaServerRequest.body(request, vocabularySize, toolCallOpening).toString();
        HttpRequest post = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllegalStateException("llama-server did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for llama-server", e);
        }
        // Closing the body before its end drops the connection, and llama-server then stops the task: that is
        // the cancel, and the slot is free again within a token.
        try (InputStream in = response.body();
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw refusal(response.statusCode(), lines);
            }
            LlamaServerStream stream = new LlamaServerStream(request.getOptions().getTopLogprobs());
            String line;
            while (!stream.done() && (line = lines.readLine()) != null) {
                stream.accept(line).ifPresent(pieces);
                generation.sampledSoFar(stream.tokensSoFar());
                if (generation.cancelRequested()) {
                    return stream.finished(true);
                }
            }
            return stream.finished(false);
        } catch (IOException e) {
            throw new IllegalStateException("llama-server's stream broke: " + e, e);
        }
    }

    /** A 4xx is the request's fault (too long a prompt, a role the template refuses); anything else is not. */
    private static RuntimeException refusal(int status, BufferedReader lines) throws IOException {
        String text = String.join("\n", lines.lines().toList());
        String message;
        try {
            message = LlamaServerStream.errorMessage(JsonParser.parseString(text).getAsJsonObject());
        } catch (JsonParseException | IllegalStateException e) {
            message = text;
        }
        return status >= 400 && status < 500
                ? new InvalidRequestException("messages: llama-server refused the request: " + message)
                : new IllegalStateException("llama-server answered " + status + ": " + message);
    }

    /** Waits for the port in its log, then for /health to say the model is loaded (503 while loading). */
    private static URI awaitReady(Process server, RunnerOptions options, HttpClient http) throws ModelLoadException {
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        URI base = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new ModelLoadException(exitReason(server, options));
            }
            if (base == null) {
                OptionalInt port = LlamaServerLog.listeningPort(LoadedModel.readLog(options.logFile()));
                if (port.isPresent()) {
                    base = URI.create("http://127.0.0.1:" + port.getAsInt());
                }
            } else if (healthy(http, base)) {
                return base;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop(server);
        throw new ModelLoadException("llama-server did not load " + options.model().getFileName() + " within "
                + LOAD_TIMEOUT.toMinutes() + " minutes");
    }

    private static String exitReason(Process server, RunnerOptions options) {
        List<String> log = LoadedModel.readLog(options.logFile());
        LlamaLoadLog parsed = LlamaLogParser.parse(log);
        String reason = LoadFailureReason.describe(options.model(), parsed);
        return "llama-server exited with code " + server.exitValue() + " while loading: " + reason;
    }

    /** What llama.cpp chose for flash attention, the last word of the log; empty when it did not say. */
    static Optional<Boolean> flashAttention(List<String> log) {
        Optional<Boolean> chosen = Optional.empty();
        for (String line : log) {
            Matcher m = FLASH_ATTENTION.matcher(line);
            if (m.find()) {
                String word = m.group(1) != null ? m.group(1) : m.group(2);
                chosen = Optional.of(word.equals("enabled"));
            }
        }
        return chosen;
    }

    private static boolean healthy(HttpClient http, URI base) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/health"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** "b7123-de3ff81"-style build of the running server, from /props; empty when it does not say. */
    private static String build(HttpClient http, URI base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/props"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonObject props = JsonParser.parseString(r.body()).getAsJsonObject();
            return props.has("build_info") ? props.get("build_info").getAsString() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void stop(Process server) {
        if (!server.isAlive()) {
            return;
        }
        server.destroy();
        try {
            if (!server.waitFor(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

}
