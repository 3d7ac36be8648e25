package io.rigpool.runner;

import static org.awaitility.Awaitility.await;

import io.rigpool.common.lifecycle.ParentProcessWatch;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.TokenLogprob;
import io.rigpool.proto.v1.RunnerGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/** The packaged runner started as a real process the way the worker starts it, for the tests. */
final class LaunchedRunner implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    final Process process;
    final Path dir;
    final Path portFile;
    private ManagedChannel channel;

    private LaunchedRunner(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.portFile = dir.resolve("port");
    }

    static LaunchedRunner start(Path model, Path dir, String... extraArgs) throws IOException {
        Path jar = Path.of(System.getProperty("rigpool.runner.jar", "target/rigpool-runner.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no runner jar at " + jar.toAbsolutePath() + "; run mvn package first");
        }
        Files.createDirectories(dir.resolve("native"));
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
                "-Dde.kherud.llama.tmpdir=" + dir.resolve("native"), ParentProcessWatch.jvmFlag(),
                "-jar", jar.toString(), "--model", model.toString(), "--log-file", dir.resolve("llama.log").toString(),
                "--port-file", dir.resolve("port").toString(), "--output-file", dir.resolve("runner.out").toString()));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("runner.out").toFile())
                .start();
        return new LaunchedRunner(process, dir);
    }

    /** Waits until the runner announced its port, or ended; returns the port, empty when it ended first. */
    Optional<Integer> awaitPort() throws IOException, InterruptedException {
        try {
            await("the runner to announce its port or end").atMost(START_DEADLINE).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20)).until(() -> Files.exists(portFile) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("runner neither announced a port nor ended within " + START_DEADLINE + ":\n"
                    + output(), e);
        }
        return Files.exists(portFile) ? Optional.of(Integer.parseInt(Files.readString(portFile).trim()))
                : Optional.empty();
    }

    RunnerGrpc.RunnerBlockingStub blocking() throws IOException, InterruptedException {
        return RunnerGrpc.newBlockingStub(channel());
    }

    RunnerGrpc.RunnerStub async() throws IOException, InterruptedException {
        return RunnerGrpc.newStub(channel());
    }

    private synchronized ManagedChannel channel() throws IOException, InterruptedException {
        if (channel == null) {
            int port = awaitPort().orElseThrow(() -> new AssertionError("runner ended:\n" + output()));
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        }
        return channel;
    }

    /** What one Generate answered: its text pieces joined, their tokens' logprobs, and the Finished event. */
    record Generated(String text, List<TokenLogprob> logprobs, Finished finished) {
    }

    /** Runs one request to its end over the blocking stub. */
    Generated generate(GenerateRequest request, Duration deadline) throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        List<TokenLogprob> logprobs = new ArrayList<>();
        Finished finished = null;
        Iterator<GenerateEvent> events = blocking().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .generate(request);
        while (events.hasNext()) {
            GenerateEvent event = events.next();
            if (event.hasPiece()) {
                text.append(event.getPiece().getText());
                logprobs.addAll(event.getPiece().getLogprobsList());
            } else {
                finished = event.getFinished();
            }
        }
        if (finished == null) {
            throw new AssertionError("the stream of " + request.getRequestId() + " ended without a Finished event");
        }
        return new Generated(text.toString(), logprobs, finished);
    }

    String output() {
        try {
            return Files.readString(dir.resolve("runner.out"));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    List<String> llamaLog() throws IOException {
        return new String(Files.readAllBytes(dir.resolve("llama.log")), java.nio.charset.StandardCharsets.UTF_8)
                .lines().toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
