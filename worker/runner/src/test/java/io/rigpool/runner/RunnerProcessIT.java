package io.rigpool.runner;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.TensorInfo;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.CancelReply;
import io.rigpool.proto.v1.CancelRequest;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.DescribeRequest;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged runner as a real process on the tiny generated model, spoken to over real loopback gRPC. */
class RunnerProcessIT {

    private static final Pattern PROMPT_TOKENS = Pattern.compile("n_prompt_tokens = (\\d+)");
    private static final Pattern EVAL_TOKENS = Pattern.compile("^\\s*eval time =.*/\\s*(\\d+) tokens");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path temp;

    static Path model;
    /** Ended by JUnit after the last test, if it started. */
    @AutoClose
    static LaunchedRunner runner;

    @BeforeAll
    static void startRunner() throws Exception {
        model = TinyChatModel.write(temp.resolve("rigpool-tiny.gguf"), TinyChatModel.Spec.standard());
        runner = LaunchedRunner.start(model, temp.resolve("runner"), "--ctx-size", "4096", "--gpu-layers", "8",
                "--parallel", "2", "--threads", "2");
        assertTrue(runner.awaitPort().isPresent(), () -> "runner did not start:\n" + runner.output());
    }

    @Test
    void generatesTextAndCountsTokensAsLlamaCppDoes(@TempDir Path dir) throws Exception {
        // A runner of its own, so that the only request in its llama.cpp log is this one.
        try (LaunchedRunner own = LaunchedRunner.start(model, dir.resolve("r"), "--ctx-size", "512")) {
            Result result = generate(own, request("count-1", 12, List.of()));

            assertFalse(result.text.isBlank(), "the tiny model always picks a word");
            assertEquals("length", result.finished.getFinishReason());
            assertEquals(12, result.finished.getCompletionTokens());
            List<String> log = awaitLog(own, lines -> count(lines, "total time =") == 1);
            assertEquals(last(log, PROMPT_TOKENS), result.finished.getPromptTokens(), "prompt tokens as llama.cpp saw");
            assertEquals(last(log, EVAL_TOKENS), result.finished.getCompletionTokens(), "tokens llama.cpp decoded");
            assertTrue(result.finished.getPromptEvalMs() > 0);
            assertTrue(result.finished.getDecodeMs() > 0);
        }
    }

    @Test
    void endsAtAStopStringWithoutIncludingIt() throws Exception {
        String free = generate(request("stop-free", 40, List.of())).text;
        String stop = stopStringFrom(free);

        Result stopped = generate(request("stop-1", 40, List.of(stop)));

        assertEquals(free.substring(0, free.indexOf(stop)), stopped.text);
        assertEquals("stop", stopped.finished.getFinishReason());
        assertTrue(stopped.finished.getCompletionTokens() < 40, "stopped early: " + stopped.finished);
    }

    @Test
    void cancelEndsALongGenerationEarly() throws Exception {
        CountDownLatch firstPieces = new CountDownLatch(3);
        CompletableFuture<Finished> finished = new CompletableFuture<>();
        runner.async().generate(request("long-1", 0, List.of()), new StreamObserver<>() {
            @Override
            public void onNext(GenerateEvent event) {
                if (event.hasPiece()) {
                    firstPieces.countDown();
                } else {
                    finished.complete(event.getFinished());
                }
            }

            @Override
            public void onError(Throwable t) {
                finished.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                finished.completeExceptionally(new AssertionError("completed without a Finished event"));
            }
        });
        assertTrue(firstPieces.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "generation started");

        CancelReply reply = runner.blocking().cancel(CancelRequest.newBuilder().setRequestId("long-1").build());

        assertTrue(reply.getCancelled(), "the runner knew the request");
        Finished end = finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertEquals("cancelled", end.getFinishReason());
        // Within one token: the one being sampled when the cancel landed may still count, nothing after it. (The
        // client may still receive several pieces after the reply: they were on the wire already.)
        assertTrue(end.getCompletionTokens() - reply.getCompletionTokensAtCancel() <= 1,
                reply.getCompletionTokensAtCancel() + " tokens at the cancel, " + end.getCompletionTokens() + " in all");
        // Uncancelled, max_tokens 0 runs until the 2048-token slot is full.
        assertTrue(end.getCompletionTokens() < 500, "stopped early: " + end);
        assertFalse(runner.blocking().cancel(CancelRequest.newBuilder().setRequestId("long-1").build())
                .getCancelled(), "a finished request is no longer known");
    }

    @Test
    void theSameSeedSamplesTheSameTextAndTopPNarrowsTheChoice() throws Exception {
        GenerateRequest sampled = request("seed", 24, List.of()).toBuilder().setTemperature(1.5f).setSeed(42).setHasSeed(true).build();

        String first = generate(sampled.toBuilder().setRequestId("seed-42-a").build()).text;
        String again = generate(sampled.toBuilder().setRequestId("seed-42-b").build()).text;
        List<String> otherSeeds = new ArrayList<>();
        for (int seed = 1; seed <= 3; seed++) {
            otherSeeds.add(generate(sampled.toBuilder().setRequestId("seed-" + seed).setSeed(seed).build()).text);
        }
        // top_p that keeps only the likeliest token is greedy decoding whatever the temperature and seed.
        String greedy = generate(request("greedy", 24, List.of())).text;
        String narrow = generate(sampled.toBuilder().setRequestId("top-p").setSeed(7).setTopP(0.0001f).build()).text;

        assertEquals(first, again, "same seed, same text");
        assertTrue(otherSeeds.stream().anyMatch(t -> !t.equals(first)), "other seeds sample otherwise: " + otherSeeds);
        assertEquals(greedy, narrow);
    }

    @Test
    void twoRequestsRunAtOnce() throws Exception {
        CompletableFuture<Result> a = CompletableFuture.supplyAsync(() -> generateUnchecked("both-a"));
        CompletableFuture<Result> b = CompletableFuture.supplyAsync(() -> generateUnchecked("both-b"));

        assertEquals(30, a.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).finished.getCompletionTokens());
        assertEquals(30, b.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).finished.getCompletionTokens());
    }

    @Test
    void describesWhatLlamaCppAllocated() throws Exception {
        RunnerLoadReport report = runner.blocking().describe(DescribeRequest.getDefaultInstance());

        long tensorBytes = GgufModel.open(model).tensors().stream().mapToLong(TensorInfo::byteSize).sum();
        long cpuModelBytes = report.getBuffersList().stream()
                .filter(b -> b.getKind() == BufferKind.BUFFER_KIND_MODEL && b.getDevice().startsWith("CPU"))
                .mapToLong(DeviceBuffer::getBytes).sum();
        assertTrue(Math.abs(cpuModelBytes - tensorBytes) < 1024 * 1024,
                "model buffer " + cpuModelBytes + " vs tensors " + tensorBytes);
        assertTrue(report.getBuffersList().stream().anyMatch(b -> b.getKind() == BufferKind.BUFFER_KIND_KV
                && b.getBytes() > 0), "a KV cache buffer: " + report.getBuffersList());
        assertEquals(4096, report.getNCtx());
        assertEquals(2, report.getParallelSlots());
        assertEquals(8, report.getNGpuLayersRequested());
        // The parameters that shaped the buffers, so the planner can file the measurement under exactly these.
        assertEquals(2048, report.getNBatch());
        assertEquals(512, report.getNUbatch());
        assertEquals("f16", report.getCacheTypeK());
        assertEquals("f16", report.getCacheTypeV());
        assertFalse(report.getFlashAttention());
        assertTrue(report.getMmap());
        assertEquals("4916 (c6af2161)", report.getLlamaCppBuild());
        assertFalse(report.getGpuBackendPresent(), "the bundled library is CPU-only");
        assertTrue(report.getWarningsList().stream().anyMatch(w -> w.contains("no usable GPU backend")),
                "GPU layers were asked for but cannot be honoured: " + report.getWarningsList());
        assertTrue(report.getLoadMs() > 0);
        assertEquals(model.toAbsolutePath().toString(), report.getModelPath());
        // java-llama.cpp extracted its bundled CPU library into the runner's own native folder, and that is the
        // library the process mapped: the worker tells a folder of natives that did not load by this.
        assertTrue(report.getNativeLibrary().contains("jllama")
                && report.getNativeLibrary().startsWith(runner.dir.resolve("native").toAbsolutePath().toString()),
                report.getNativeLibrary());
        assertEquals(List.of(), report.getDevicesList(), "a CPU-only library finds no CUDA device");
    }

    @Test
    void aMissingModelEndsWithExitCode2AndSaysSo(@TempDir Path dir) throws Exception {
        LaunchedRunner failed = LaunchedRunner.start(dir.resolve("nowhere.gguf"), dir.resolve("r"));

        String reason = awaitFailure(failed);

        assertTrue(reason.startsWith("model file not found: ") && reason.contains("nowhere.gguf"), reason);
    }

    @Test
    void aFileThatIsNotGgufIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.gguf"), "these are not the weights you want");
        LaunchedRunner failed = LaunchedRunner.start(garbage, dir.resolve("r"));

        String reason = awaitFailure(failed);

        assertTrue(reason.contains("not a GGUF file"), reason);
    }

    @Test
    void aTruncatedModelGetsLlamaCppsOwnReason(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(model);
        Path truncated = Files.write(dir.resolve("truncated.gguf"), java.util.Arrays.copyOf(whole, whole.length / 2));
        LaunchedRunner failed = LaunchedRunner.start(truncated, dir.resolve("r"));

        String reason = awaitFailure(failed);

        assertTrue(reason.contains("data is not within the file bounds"), reason);
    }

    @Test
    void endsWhenTheParentsPipeCloses(@TempDir Path dir) throws Exception {
        LaunchedRunner child = LaunchedRunner.start(model, dir.resolve("r"), "--ctx-size", "512");
        try {
            assertTrue(child.awaitPort().isPresent(), child::output);

            child.process.getOutputStream().close();

            assertTrue(child.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "runner ended with its pipe");
        } finally {
            child.close();
        }
    }

    private static String awaitFailure(LaunchedRunner failed) throws Exception {
        try {
            assertTrue(failed.awaitPort().isEmpty(), "the runner must not announce a port");
            assertEquals(2, failed.process.exitValue(), failed::output);
            String reason = Files.readString(AnnouncementFiles.errorFileOf(failed.portFile));
            assertTrue(failed.output().contains(reason), "the reason is on stderr too:\n" + failed.output());
            return reason;
        } finally {
            failed.close();
        }
    }

    private static GenerateRequest request(String id, int maxTokens, List<String> stop) {
        return GenerateRequest.newBuilder()
                .setRequestId(id)
                .addMessages(ChatMessage.newBuilder().setRole("system").setContent("You are a tiny model."))
                .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Tell me about the rig pool."))
                .setMaxTokens(maxTokens)
                .setTemperature(0f)
                .addAllStop(stop)
                .build();
    }

    private record Result(String text, Finished finished) {
    }

    private static Result generate(GenerateRequest request) throws Exception {
        return generate(runner, request);
    }

    private static Result generate(LaunchedRunner target, GenerateRequest request) throws Exception {
        LaunchedRunner.Generated generated = target.generate(request, DEADLINE);
        return new Result(generated.text(), generated.finished());
    }

    private static Result generateUnchecked(String id) {
        try {
            return generate(request(id, 30, List.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A piece of the free text that first occurs well inside it, so that stopping there is visible. */
    private static String stopStringFrom(String text) {
        for (int at = text.length() / 3; at < text.length() - 3; at++) {
            String candidate = text.substring(at, at + 3);
            if (text.indexOf(candidate) == at && !candidate.isBlank()) {
                return candidate;
            }
        }
        throw new AssertionError("no stop string candidate in '" + text + "'");
    }

    private static List<String> awaitLog(LaunchedRunner target, Predicate<List<String>> condition)
            throws Exception {
        return await("llama.cpp's log to show the request").atMost(DEADLINE).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(target::llamaLog, condition);
    }

    private static int count(List<String> lines, String text) {
        return (int) lines.stream().filter(l -> l.contains(text)).count();
    }

    private static int last(List<String> lines, Pattern pattern) {
        int value = -1;
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                value = Integer.parseInt(m.group(1));
            }
        }
        return value;
    }
}
