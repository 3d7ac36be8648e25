package io.rigpool.worker.planner;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.rigpool.proto.v1.AssignmentSet;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.PlannerGrpc;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.Welcome;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.proto.v1.WorkerMessage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real gRPC Planner server for the worker's tests: answers each hello with a Welcome and the assignment set the
 * test chose, and records what the worker sent. Can be stopped and started again on the same port, as a planner
 * restart would.
 */
public final class TestPlanner implements AutoCloseable {

    public final List<WorkerHello> hellos = new CopyOnWriteArrayList<>();
    public final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    /** When each heartbeat arrived (System.nanoTime), in the order of {@link #heartbeats}. */
    public final List<Long> heartbeatArrivals = new CopyOnWriteArrayList<>();
    public final List<WorkerMessage> others = new CopyOnWriteArrayList<>();
    private final Function<WorkerHello, AssignmentSet> plan;
    private final int heartbeatIntervalMs;
    private Server server;
    private int port;

    public TestPlanner(Function<WorkerHello, AssignmentSet> plan, int heartbeatIntervalMs) {
        this.plan = plan;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    /** Starts on the given port, 0 for any free one; returns the port. */
    public synchronized int start(int wantedPort) throws IOException {
        server = Grpc.newServerBuilderForPort(wantedPort, InsecureServerCredentials.create())
                .addService(new Service())
                .build()
                .start();
        port = server.getPort();
        return port;
    }

    /** Runner events (loaded, crashed) the worker sent, oldest first. */
    public List<RunnerEvent> runnerEvents() {
        return others.stream().filter(WorkerMessage::hasRunnerEvent).map(WorkerMessage::getRunnerEvent).toList();
    }

    public synchronized int port() {
        return port;
    }

    /** Ends the server and every open worker stream, as a planner that goes down. */
    public synchronized void stop() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private final class Service extends PlannerGrpc.PlannerImplBase {

        @Override
        public StreamObserver<WorkerMessage> connect(StreamObserver<PlannerMessage> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(WorkerMessage message) {
                    switch (message.getBodyCase()) {
                        case HELLO -> {
                            hellos.add(message.getHello());
                            synchronized (responses) {
                                responses.onNext(PlannerMessage.newBuilder().setWelcome(Welcome.newBuilder()
                                        .setNodeId(message.getHello().getNodeId())
                                        .setHeartbeatIntervalMs(heartbeatIntervalMs)).build());
                                responses.onNext(PlannerMessage.newBuilder()
                                        .setAssignments(plan.apply(message.getHello())).build());
                            }
                        }
                        case HEARTBEAT -> {
                            heartbeatArrivals.add(System.nanoTime());
                            heartbeats.add(message.getHeartbeat());
                        }
                        default -> others.add(message);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    // The worker went away; nothing to clean up here.
                }

                @Override
                public void onCompleted() {
                    synchronized (responses) {
                        responses.onCompleted();
                    }
                }
            };
        }
    }
}
