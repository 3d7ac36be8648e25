package io.rigpool.bench.gpu;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.DescribeRequest;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.RunnerGrpc;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One point of the sweep: the packaged runner, started as the worker starts it (its own process, its own native
 * temp dir, the natives folder through {@code -Dde.kherud.llama.lib.path}), loads the model with n_gpu_layers N,
 * answers Describe (llama.cpp's buffers as its log gave them), decodes a warm-up and then the measured generation;
 * meanwhile nvidia-smi says what the process holds on the GPU. Ending the process is the only way to give the
 * memory back (java-llama.cpp's close() does not), so every point is a fresh process.
 */
final class OffloadPointRun {

    /** Decoding warms up: the first tokens load CUDA kernels lazily and fault pages in. */
    private static final int WARM_UP_TOKENS = 8;
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration GENERATE_TIMEOUT = Duration.ofMinutes(10);
    /** A finished runner's GPU memory is freed when the driver has torn its context down, shortly after exit. */
    private static final Duration VRAM_RELEASE_TIMEOUT = Duration.ofSeconds(60);
    private static final long VRAM_RELEASED_SLACK = 64L << 20;

    /** How one point was run. */
    record Setup(Path runnerJar, Optional<Path> natives, Path model, int gpuLayers, int contextSize, int threads,
            int tokens, Path workDir) {
    }

    /**
     * What one point gave. VRAM figures are -1 without nvidia-smi.
     *
     * @param vramSource "process" (nvidia-smi named the runner's pid) or "device" (used memory of the whole GPU
     *     minus what was used before the runner started: inside containers the driver often names no process)
     */
    record Result(RunnerLoadReport report, CudaLogLines cuda, long vramAfterLoad, long vramAfterDecode,
            String vramSource, Finished generation, double decodeTokensPerSecond, List<String> mappedLibraries,
            double loadSeconds, Path llamaLog) {
    }

    private OffloadPointRun() {
    }

    static Result run(Setup s, Optional<NvidiaSmi> smi, long idleVramBytes) throws Exception {
        Files.createDirectories(s.workDir());
        Path nativeTmp = Files.createDirectories(s.workDir().resolve("native"));
        Path portFile = s.workDir().resolve("port");
        Path errorFile = s.workDir().resolve("port.error");
        Path output = s.workDir().resolve("runner.out");
        Path llamaLog = s.workDir().resolve("llama.log");
        long baseline = smi.isPresent() ? awaitVramReleased(smi.get(), idleVramBytes) : -1;

        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dde.kherud.llama.tmpdir=" + nativeTmp));
        s.natives().ifPresent(dir -> command.add("-Dde.kherud.llama.lib.path=" + dir.toAbsolutePath()));
        command.addAll(List.of(ParentProcessWatch.jvmFlag(), "-jar", s.runnerJar().toString(),
                "--model", s.model().toString(),
                "--ctx-size", Integer.toString(s.contextSize()),
                "--gpu-layers", Integer.toString(s.gpuLayers()),
                "--parallel", "1",
                "--threads", Integer.toString(s.threads()),
                "--log-file", llamaLog.toString(),
                "--port-file", portFile.toString()));
        long start = System.nanoTime();
        // stdin stays a pipe: the runner's ParentProcessWatch ends it when this benchmark dies.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        ManagedChannel channel = null;
        try {
            boolean announced = await(process, () -> Files.exists(portFile) || Files.exists(errorFile),
                    LOAD_TIMEOUT);
            if (!announced || !Files.exists(portFile)) {
                String reason = Files.exists(errorFile) ? Files.readString(errorFile) : tail(output);
                throw new IllegalStateException("runner did not load the model at n_gpu_layers "
                        + s.gpuLayers() + ": " + reason + "\n" + tail(llamaLog));
            }
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            int port = Integer.parseInt(Files.readString(portFile).strip());
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            RunnerGrpc.RunnerBlockingStub stub = RunnerGrpc.newBlockingStub(channel);
            RunnerLoadReport report = stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .describe(DescribeRequest.getDefaultInstance());
            long afterLoad = smi.isPresent() ? vram(smi.get(), process.pid(), baseline).bytes : -1;

            generate(stub, WARM_UP_TOKENS, "warm-up");
            Finished measured = generate(stub, s.tokens(), "measured");
            Vram afterDecode = smi.isPresent() ? vram(smi.get(), process.pid(), baseline) : new Vram(-1, "none");
            double tps = measured.getCompletionTokens() > 1 && measured.getDecodeMs() > 0
                    // decode_ms runs from the first token to the last: completion_tokens - 1 intervals.
                    ? (measured.getCompletionTokens() - 1) / (measured.getDecodeMs() / 1000.0)
                    : 0;
            List<String> mapped = mappedLibraries(process.pid());
            CudaLogLines cuda = CudaLogLines.parse(readLines(llamaLog));
            return new Result(report, cuda, afterLoad, afterDecode.bytes, afterDecode.source, measured, tps,
                    mapped, loadSeconds, llamaLog);
        } finally {
            if (channel != null) {
                channel.shutdownNow();
                channel.awaitTermination(10, TimeUnit.SECONDS);
            }
            end(process);
        }
    }

    /**
     * Greedy decoding (temperature 0) of a model whose weights are all zero yields equal logits, so the argmax is
     * token 0 every time, never end-of-generation: the runner's Generate has no ignore-EOS switch, and needs none
     * here. The runner's own count of tokens is what the speed is computed from.
     */
    private static Finished generate(RunnerGrpc.RunnerBlockingStub stub, int tokens, String what) {
        GenerateRequest request = GenerateRequest.newBuilder()
                .setRequestId("gpu-bench-" + what + "-" + System.nanoTime())
                .addMessages(ChatMessage.newBuilder().setRole("user")
                        .setContent("Tell a long story about a gaming PC that serves a language model.").build())
                .setMaxTokens(tokens)
                .setTemperature(0f)
                .setHasSeed(true)
                .setSeed(42)
                .build();
        Iterator<GenerateEvent> events = stub.withDeadlineAfter(GENERATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .generate(request);
        Finished finished = null;
        while (events.hasNext()) {
            GenerateEvent event = events.next();
            if (event.hasFinished()) {
                finished = event.getFinished();
            }
        }
        if (finished == null) {
            throw new IllegalStateException("the " + what + " generation ended without a Finished event");
        }
        return finished;
    }

    private record Vram(long bytes, String source) {
    }

    private static Vram vram(NvidiaSmi smi, long pid, long baseline) throws IOException {
        OptionalLong own = smi.processBytes(pid);
        if (own.isPresent()) {
            return new Vram(own.getAsLong(), "process");
        }
        return new Vram(Math.max(0, smi.usedBytes() - baseline), "device");
    }

    /**
     * Waits until the GPU's used memory is back near what it was before the first runner (the last runner's
     * context is gone), and returns the used memory then: the baseline a "device" measurement subtracts.
     */
    private static long awaitVramReleased(NvidiaSmi smi, long idleVramBytes) throws Exception {
        Instant deadline = Instant.now().plus(VRAM_RELEASE_TIMEOUT);
        long used = smi.usedBytes();
        while (used > idleVramBytes + VRAM_RELEASED_SLACK && Instant.now().isBefore(deadline)) {
            // nvidia-smi itself takes tens of milliseconds; polling it is the wait.
            used = smi.usedBytes();
        }
        if (used > idleVramBytes + VRAM_RELEASED_SLACK) {
            System.out.printf("warning: GPU still uses %d MiB more than when the benchmark began%n",
                    (used - idleVramBytes) >> 20);
        }
        return used;
    }

    /** The shared libraries the runner really mapped: java-llama.cpp falls back to its CPU library silently. */
    private static List<String> mappedLibraries(long pid) {
        TreeSet<String> libraries = new TreeSet<>();
        for (String line : readLines(Path.of("/proc", Long.toString(pid), "maps"))) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash);
            String name = Path.of(path).getFileName().toString();
            if (name.contains("jllama") || name.contains("ggml") || name.contains("llama")
                    || name.startsWith("libcuda") || name.startsWith("libcublas")) {
                libraries.add(path);
            }
        }
        return List.copyOf(libraries);
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Polls cheap file checks until the condition holds, the process ends, or the deadline passes. */
    private static boolean await(Process process, BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                return condition.getAsBoolean();
            }
        }
        return false;
    }

    private static void end(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    static List<String> readLines(Path file) {
        try {
            // llama.cpp logs token pieces, which may be partial UTF-8: decode leniently.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String tail(Path file) {
        List<String> lines = readLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
