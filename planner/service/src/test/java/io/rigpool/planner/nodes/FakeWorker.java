package io.rigpool.planner.nodes;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.BackendAttempt;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.GpuDevice;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.PlannerGrpc;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.proto.v1.WorkerMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A worker's side of the real gRPC stream, driven by the test: says hello, sends heartbeats, records what the
 * planner answers. Not a mock: it talks to the running planner over the network like a worker does.
 */
public final class FakeWorker implements AutoCloseable {

    public static final long GIB = 1024L * 1024 * 1024;

    final List<PlannerMessage> received = new CopyOnWriteArrayList<>();
    public volatile Throwable error;
    volatile boolean completed;
    private final ManagedChannel channel;
    private final StreamObserver<WorkerMessage> requests;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile Heartbeat repeated;

    public FakeWorker(int port) {
        this(ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build(), true);
    }

    /** A worker on a channel of the caller's making (a TLS client configured by Quarkus, say), left open at close. */
    public FakeWorker(Channel channel) {
        this(channel, false);
    }

    private FakeWorker(Channel channel, boolean owned) {
        this.channel = owned ? (ManagedChannel) channel : null;
        requests = PlannerGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(PlannerMessage value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                error = t;
            }

            @Override
            public void onCompleted() {
                completed = true;
            }
        });
    }

    public static WorkerHello.Builder hello(String nodeId, String token, long gpuFreeBytes, LocalModel... models) {
        return hello(nodeId, token, gpuFreeBytes, 20 * GIB, models);
    }

    /** A PC with one card (an RTX 3060, or a 4090 when more than 12 GiB is free) and that much free RAM. */
    public static WorkerHello.Builder hello(String nodeId, String token, long gpuFreeBytes, long ramFreeBytes,
            LocalModel... models) {
        WorkerHello.Builder hello = WorkerHello.newBuilder().setNodeId(nodeId).setHostname(nodeId + ".lan")
                .setClusterToken(token).setCpuThreads(8).setRamTotalBytes(ramFreeBytes + 8 * GIB)
                .setRamFreeBytes(ramFreeBytes).setGpuOffloadSupported(gpuFreeBytes > 0)
                .addAllModels(List.of(models));
        if (gpuFreeBytes > 0) {
            boolean big = gpuFreeBytes > 12 * GIB;
            String name = big ? "NVIDIA GeForce RTX 4090" : "NVIDIA GeForce RTX 3060";
            hello.addGpus(gpu(name, big ? 24 * GIB : 12 * GIB, gpuFreeBytes));
            hello.setBackend(provenCuda(name, big ? "8.9" : "8.6", big ? 24 * GIB : 12 * GIB));
        } else {
            hello.setBackend(cpuOnly("bundled", "no NVIDIA GPU"));
        }
        return hello;
    }

    /** What a worker's probe reports when natives/cuda-13 offloaded every layer of the probe model to the card. */
    public static Backend provenCuda(String deviceName, String computeCapability, long totalBytes) {
        return Backend.newBuilder().setKind("cuda").setLibrary("natives/cuda-13").setLlamaCppBuild("4916 (c6af2161)")
                .setCudaRuntime("13.0").setDriverVersion("580.95.05").setDriverCuda("13.0")
                .addDevices(GpuDevice.newBuilder().setId("CUDA0").setName(deviceName)
                        .setComputeCapability(computeCapability).setTotalBytes(totalBytes).setFreeBytes(totalBytes))
                .setProbeLayersOffloaded(3).setProbeLayersTotal(3).setGpuProven(true)
                .addAttempts(BackendAttempt.newBuilder().setLibrary("natives/cuda-13").setGpuProven(true)
                        .setOutcome("proven: offloaded 3/3 layers to CUDA0")).build();
    }

    /** What a worker's probe reports when no library it tried brought up a GPU backend. */
    public static Backend cpuOnly(String library, String reason) {
        return Backend.newBuilder().setKind("cpu").setLibrary(library).setLlamaCppBuild("4916 (c6af2161)")
                .setProbeLayersOffloaded(0).setProbeLayersTotal(3).setGpuProven(false).setCpuOnlyReason(reason)
                .addAttempts(BackendAttempt.newBuilder().setLibrary(library).setOutcome(reason)).build();
    }

    public static Gpu gpu(String name, long total, long free) {
        return Gpu.newBuilder().setIndex(0).setName(name).setTotalBytes(total).setFreeBytes(free).build();
    }

    /** A model described as a worker without geometry describes it: size, layers and bytes per layer. */
    public static LocalModel model(String id, long sizeBytes, int blocks) {
        LocalModel.Builder m = LocalModel.newBuilder().setModelId(id).setFileName(id + ".gguf").setSizeBytes(sizeBytes)
                .setArchitecture("llama").setBlockCount(blocks).setContextLength(8192).setFileType("15")
                .setNonLayerBytes(sizeBytes / 10);
        for (int i = 0; i < blocks; i++) {
            m.addLayerBytes((sizeBytes - sizeBytes / 10) / blocks);
        }
        return m.build();
    }

    void runnerEvent(io.rigpool.proto.v1.RunnerEvent event) {
        write(WorkerMessage.newBuilder().setRunnerEvent(event).build());
    }

    public FakeWorker send(WorkerHello.Builder hello) {
        write(WorkerMessage.newBuilder().setHello(hello).build());
        return this;
    }

    public void heartbeat(Heartbeat heartbeat) {
        write(WorkerMessage.newBuilder().setHeartbeat(heartbeat).build());
    }

    /**
     * Sends this heartbeat now and then every {@code period} until another one is given or the worker closes, as
     * a worker's timer does: the planner loses a node that falls silent.
     */
    public void keepBeating(Heartbeat heartbeat, Duration period) {
        boolean first = repeated == null;
        repeated = heartbeat;
        heartbeat(heartbeat);
        if (first) {
            timer.scheduleAtFixedRate(() -> heartbeat(repeated), period.toMillis(), period.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** A stream's observer takes one message at a time; the test thread and the heartbeat timer both write. */
    synchronized void write(WorkerMessage message) {
        requests.onNext(message);
    }

    /** The assignments of the latest AssignmentSet received, or null when none came yet. */
    public PlannerMessage latestAssignments() {
        PlannerMessage latest = null;
        for (PlannerMessage m : received) {
            if (m.hasAssignments()) {
                latest = m;
            }
        }
        return latest;
    }

    /**
     * The node credential of the latest Welcome ("" when that Welcome issued none: the node id was enrolled), or null
     * before a Welcome. A worker keeps it and sends it in every later hello for its node id.
     */
    public String welcomeCredential() {
        return received.stream().filter(PlannerMessage::hasWelcome).map(m -> m.getWelcome().getNodeCredential())
                .reduce((a, b) -> b).orElse(null);
    }

    long assignmentSetsReceived() {
        return received.stream().filter(PlannerMessage::hasAssignments).count();
    }

    /** Ends the stream the way a crashed worker's connection ends: abruptly, without a goodbye. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        if (channel == null) {
            requests.onError(new IllegalStateException("the test worker closed"));
            return;
        }
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
