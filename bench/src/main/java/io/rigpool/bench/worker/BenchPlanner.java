package io.rigpool.bench.worker;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.AssignmentSet;
import io.rigpool.proto.v1.PlannerGrpc;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.Welcome;
import io.rigpool.proto.v1.WorkerMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A planner with one decision: the worker that says hello runs the benchmark model on the CPU with the workload's
 * context and slots. A real gRPC server on loopback, speaking the worker's Planner.Connect contract.
 */
final class BenchPlanner implements AutoCloseable {

    private final Server server;

    /** @param engine the engine to run it with ({@code Assignment.engine}; empty for java-llama) */
    BenchPlanner(String modelId, Workload workload, String engine) throws IOException {
        Assignment assignment = Assignment.newBuilder().setModelId(modelId).setNGpuLayers(0)
                .setNCtx(workload.contextSize()).setParallelSlots(workload.slots()).setEngine(engine)
                .setReason("benchmark: CPU only, " + workload.slots() + " slots").build();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PlannerGrpc.PlannerImplBase() {
                    @Override
                    public StreamObserver<WorkerMessage> connect(StreamObserver<PlannerMessage> responses) {
                        return new StreamObserver<>() {
                            @Override
                            public synchronized void onNext(WorkerMessage message) {
                                if (message.hasHello()) {
                                    responses.onNext(PlannerMessage.newBuilder().setWelcome(Welcome.newBuilder()
                                            .setNodeId(message.getHello().getNodeId())
                                            .setHeartbeatIntervalMs(5_000)).build());
                                    responses.onNext(PlannerMessage.newBuilder().setAssignments(AssignmentSet
                                            .newBuilder().setPlanVersion(1).addAssignments(assignment)).build());
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                // The worker went away.
                            }

                            @Override
                            public synchronized void onCompleted() {
                                responses.onCompleted();
                            }
                        };
                    }
                })
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
    }
}
