package io.rigpool.bench.estimate;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.rigpool.planner.estimate.Buffer;
import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.proto.v1.DescribeRequest;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.RunnerGrpc;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Starts the packaged runner, waits for its port file, and asks it over gRPC what llama.cpp reported. */
final class RunnerMeasurer implements LoadMeasurer {

    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(15);
    private final Path runnerJar;
    private final int threads;

    RunnerMeasurer(Path runnerJar, int threads) {
        this.runnerJar = runnerJar;
        this.threads = threads;
    }

    @Override
    public String name() {
        return "rigpool runner (" + runnerJar.getFileName() + "), Runner.Describe";
    }

    @Override
    public MeasuredLoad measure(Path model, LoadParameters p, Path workDir) throws Exception {
        Path libDir = Files.createDirectories(workDir.resolve("lib"));
        Path portFile = workDir.resolve("port");
        Path errorFile = workDir.resolve("port.error");
        Path output = workDir.resolve("runner.out");
        List<String> command = new ArrayList<>(List.of(ChildProcesses.javaBinary(),
                "-Dde.kherud.llama.tmpdir=" + libDir, "-jar", runnerJar.toString(), "--model", model.toString(),
                "--ctx-size", Integer.toString(p.contextSize()), "--gpu-layers", "0",
                "--parallel", Integer.toString(p.parallelSlots()), "--threads", Integer.toString(threads),
                "--batch-size", Integer.toString(p.batchSize()), "--ubatch-size", Integer.toString(p.microBatchSize()),
                "--cache-type-k", p.cacheTypeK().name().toLowerCase(Locale.ROOT),
                "--cache-type-v", p.cacheTypeV().name().toLowerCase(Locale.ROOT),
                "--log-file", workDir.resolve("llama.log").toString(), "--port-file", portFile.toString()));
        if (p.flashAttention()) {
            command.add("--flash-attn");
        }
        if (!p.mmap()) {
            command.add("--no-mmap");
        }
        long start = System.nanoTime();
        Process process = ChildProcesses.start(command, output);
        try {
            boolean announced = ChildProcesses.await(process,
                    () -> Files.exists(portFile) || Files.exists(errorFile), LOAD_TIMEOUT);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!announced || !Files.exists(portFile)) {
                String reason = Files.exists(errorFile) ? Files.readString(errorFile) : ChildProcesses.tail(output);
                throw new IllegalStateException("runner did not load the model: " + reason);
            }
            int port = Integer.parseInt(Files.readString(portFile).trim());
            return describe(port, seconds);
        } finally {
            ChildProcesses.end(process);
        }
    }

    private static MeasuredLoad describe(int port, double seconds) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            RunnerLoadReport report = RunnerGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .describe(DescribeRequest.getDefaultInstance());
            List<Buffer> buffers = new ArrayList<>();
            for (DeviceBuffer b : report.getBuffersList()) {
                BufferKind kind = switch (b.getKind()) {
                    case BUFFER_KIND_MODEL -> BufferKind.MODEL;
                    case BUFFER_KIND_KV -> BufferKind.KV;
                    case BUFFER_KIND_COMPUTE -> BufferKind.COMPUTE;
                    case BUFFER_KIND_OUTPUT -> BufferKind.OUTPUT;
                    default -> null;
                };
                if (kind != null) {
                    buffers.add(new Buffer(b.getDevice(), MeasuredBuffers.deviceOf(b.getDevice()), kind,
                            b.getBytes()));
                }
            }
            return new MeasuredLoad(buffers, report.getLlamaCppBuild(), seconds);
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
