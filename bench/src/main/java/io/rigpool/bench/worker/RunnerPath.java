package io.rigpool.bench.worker;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.RunnerGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The model in a runner process, as the worker starts it (the packaged runner jar, the runner's command line), asked
 * over its loopback gRPC service: what the process boundary and gRPC cost, without Kafka.
 */
final class RunnerPath implements AutoCloseable {

    private final Process process;
    private final ManagedChannel channel;
    private final Workload workload;

    RunnerPath(Path runnerJar, Path modelFile, Workload workload, Path workDir) throws Exception {
        this.workload = workload;
        Path portFile = workDir.resolve("port");
        Path output = workDir.resolve("runner.out");
        Files.createDirectories(workDir.resolve("native"));
        List<String> command = List.of(Processes.java(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dde.kherud.llama.tmpdir=" + workDir.resolve("native"), ParentProcessWatch.jvmFlag(),
                "-jar", runnerJar.toString(),
                "--model", modelFile.toString(),
                "--ctx-size", Integer.toString(workload.contextSize()),
                "--gpu-layers", "0",
                "--parallel", Integer.toString(workload.slots()),
                "--threads", Integer.toString(workload.threads()),
                "--log-file", workDir.resolve("llama.log").toString(),
                "--port-file", portFile.toString());
        this.process = Processes.start(command, output);
        Processes.await("runner load", process, output, () -> Files.isRegularFile(portFile), Duration.ofMinutes(10));
        int port = Integer.parseInt(Files.readString(portFile).strip());
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    Measurement generate(int job) {
        GenerateRequest request = GenerateRequest.newBuilder()
                .setRequestId("bench-" + job + "-" + System.nanoTime())
                .addAllMessages(Workload.messages(job))
                .setMaxTokens(workload.tokens())
                .setTemperature(Workload.TEMPERATURE)
                .setHasSeed(true)
                .setSeed(job)
                .build();
        long start = System.nanoTime();
        long first = 0;
        long last = 0;
        int pieces = 0;
        int tokens = 0;
        Iterator<GenerateEvent> events = RunnerGrpc.newBlockingStub(channel).generate(request);
        while (events.hasNext()) {
            GenerateEvent event = events.next();
            if (event.hasPiece()) {
                pieces++;
                last = System.nanoTime();
                if (first == 0) {
                    first = last;
                }
            } else if (event.hasFinished()) {
                tokens = event.getFinished().getCompletionTokens();
                last = System.nanoTime();
            }
        }
        // One piece per token in practice; the runner's count is the truth.
        double decode = pieces > 1 ? (tokens - 1) / ((last - first) / 1e9) : 0;
        return new Measurement(tokens, (last - start) / 1e9, decode);
    }

    /** Runs the jobs at once, one thread each, as the worker's slots would. */
    List<Measurement> generateAtOnce(List<Integer> jobs) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(jobs.size());
        try {
            List<Future<Measurement>> running = new ArrayList<>();
            for (int job : jobs) {
                running.add(threads.submit(() -> generate(job)));
            }
            List<Measurement> out = new ArrayList<>();
            for (Future<Measurement> f : running) {
                out.add(f.get());
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        Processes.end(process);
    }
}
