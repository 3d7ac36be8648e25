package io.rigpool.worker.planner;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.PlannerGrpc;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.Welcome;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.proto.v1.WorkerMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The pauses between the worker's streams to a real gRPC planner that drops some of them: they double up to the
 * ceiling while the planner does not answer, and start again from the shortest once it has. A Quarkus test because
 * the pauses are SmallRye Fault Tolerance's, which runs inside the application.
 */
@RigpoolQuarkusTest
class PlannerLinkReconnectTest {

    private static final Duration MIN = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofMillis(800);

    @Test
    void pausesDoubleUpToTheCeilingAndStartAgainFromTheShortestOnceThePlannerAnswered() throws Exception {
        // Streams 1-5 and 7 are ended unanswered; 6 is welcomed and then ended; 8 is welcomed and kept.
        DroppingPlanner planner = new DroppingPlanner(Set.of(6), Set.of(8));
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(planner).build().start();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", server.getPort(),
                InsecureChannelCredentials.create()).build();
        ScheduledExecutorService plannerThread = Executors.newSingleThreadScheduledExecutor();
        PlannerLink link = new PlannerLink(channel, () -> WorkerHello.newBuilder().setNodeId("reconnecting").build(),
                Heartbeat::getDefaultInstance, set -> { }, plannerThread, Duration.ofMinutes(1), MIN, MAX,
                new NodeCredential(Optional.empty()));
        try {
            link.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> planner.streams.size() == 8 && link.connected());

            List<Long> pauses = planner.pausesMillis();
            long[] atLeast = {100, 200, 400, 800, 800, 100, 200};
            for (int i = 0; i < atLeast.length; i++) {
                assertTrue(pauses.get(i) >= atLeast[i], "pause " + (i + 1) + " was " + pauses.get(i) + " ms: "
                        + pauses);
            }
            assertTrue(pauses.get(4) < 1_600, "the ceiling holds (doubled it would be 1,600 ms): " + pauses);
            assertTrue(pauses.get(5) < 600, "after an answer the pause is the shortest again, not 800 ms: " + pauses);
        } finally {
            link.close();
            plannerThread.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Ends each stream at its hello, except those it welcomes (and then ends, or keeps). */
    private static final class DroppingPlanner extends PlannerGrpc.PlannerImplBase {

        final List<Long> streams = new CopyOnWriteArrayList<>();
        private final Set<Integer> welcomedThenEnded;
        private final Set<Integer> welcomedAndKept;

        DroppingPlanner(Set<Integer> welcomedThenEnded, Set<Integer> welcomedAndKept) {
            this.welcomedThenEnded = welcomedThenEnded;
            this.welcomedAndKept = welcomedAndKept;
        }

        List<Long> pausesMillis() {
            return IntStream.range(1, streams.size())
                    .mapToObj(i -> TimeUnit.NANOSECONDS.toMillis(streams.get(i) - streams.get(i - 1))).toList();
        }

        @Override
        public StreamObserver<WorkerMessage> connect(StreamObserver<PlannerMessage> responses) {
            streams.add(System.nanoTime());
            int number = streams.size();
            return new StreamObserver<>() {
                @Override
                public synchronized void onNext(WorkerMessage message) {
                    if (!message.hasHello()) {
                        return;
                    }
                    if (welcomedThenEnded.contains(number) || welcomedAndKept.contains(number)) {
                        responses.onNext(PlannerMessage.newBuilder().setWelcome(Welcome.newBuilder()
                                .setNodeId(message.getHello().getNodeId())).build());
                    }
                    if (!welcomedAndKept.contains(number)) {
                        responses.onCompleted();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    // The worker closed its end; nothing to clean up.
                }

                @Override
                public synchronized void onCompleted() {
                    if (welcomedAndKept.contains(number)) {
                        responses.onCompleted();
                    }
                }
            };
        }
    }
}
