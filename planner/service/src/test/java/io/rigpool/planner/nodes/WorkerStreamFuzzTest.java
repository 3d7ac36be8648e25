package io.rigpool.planner.nodes;

import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.WorkerMessage;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * At least 10,000 generated hellos, heartbeats and runner events against the running planner over real gRPC. Each
 * message the limits refuse must end its stream with a Refusal naming the rule, every other one must be taken
 * without a word; the fleet loop must keep answering and a well-behaved node keep its runner and stay ready
 * throughout. Writes the counts to {@code target/security-fuzz.json} (or {@code -Dfuzz.report=FILE}).
 * {@code -Dfuzz.seed=} replays a run.
 */
@RigpoolQuarkusTest
class WorkerStreamFuzzTest {

    private static final int MESSAGES = Integer.getInteger("fuzz.messages", 10_000);
    private static final Duration ANSWER = Duration.ofSeconds(20);
    private static final int SESSIONS_PER_CONNECTION = 50;

    @Inject
    PlannerUnderTest planner;

    @Inject
    FleetCoordinator fleet;

    @Test
    void noGeneratedMessageStopsThePlannerOrDisturbsAWellBehavedNode() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        try {
            run(seed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("fuzz failed with seed " + seed + " (replay: -Dfuzz.seed=" + seed + "): "
                    + e.getMessage(), e);
        }
    }

    private void run(long seed) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String steadyModel = "steady-" + suffix;
        List<String> fuzzModels = IntStream.range(0, 6).mapToObj(i -> "fuzz-model-" + i + "-" + suffix).toList();
        WorkerMessageFuzz fuzz = new WorkerMessageFuzz(seed, fuzzModels);
        Outcomes outcomes = new Outcomes();
        long roundsBefore = fleet.rounds().rounds();
        long failedBefore = fleet.failedLoopTasks();
        long started = System.nanoTime();
        Map<String, String> secrets = new TreeMap<>();
        Map<String, String> credentials = new TreeMap<>();
        int checks = 0;

        ManagedChannel channel = channel();
        try (FakeWorker steady = planner.worker()) {
            var hello = planner.hello("steady-" + suffix, 11 * GIB,
                    FakeWorker.model(steadyModel, 2 * GIB, 16));
            steady.send(hello);
            steady.keepBeating(Heartbeat.newBuilder().addAllGpus(hello.getGpusList())
                    .setRamFreeBytes(hello.getRamFreeBytes()).build(), Duration.ofSeconds(1));
            await().atMost(ANSWER).until(() -> planned(steady, steadyModel));

            int session = 0;
            while (outcomes.sent() < MESSAGES) {
                String nodeId = "fuzz-" + (session++ % 12) + "-" + suffix;
                if (session % SESSIONS_PER_CONNECTION == 0) {
                    // Every ended session resets its HTTP/2 stream; the server closes a connection that resets too
                    // many streams too fast (Vert.x's rapid-reset guard), as it should, so sessions share only a few.
                    channel.shutdownNow();
                    channel = channel();
                }
                try (FakeWorker w = new FakeWorker(channel)) {
                    var generated = fuzz.hello(nodeId, planner.token());
                    // Keyed by the id the hello names: the generator sometimes puts another one there.
                    String named = generated.getNodeId();
                    var h = generated.toBuilder().setNodeSecret(secrets.getOrDefault(named, ""))
                            .setNodeCredential(credentials.getOrDefault(named, "")).build();
                    Optional<WorkerMessageLimits.Violation> helloViolation = WorkerMessageLimits.hello(h);
                    w.send(h.toBuilder());
                    outcomes.count("hello", helloViolation);
                    if (helloViolation.isPresent()) {
                        awaitRefusal(w, "hello refused: " + helloViolation.get().message());
                        continue;
                    }
                    quickly().until(() -> welcome(w).isPresent() || w.error != null);
                    assertTrue(w.error == null, "a legal hello was refused: " + w.error + " " + w.received);
                    secrets.put(named, welcome(w).get().getNodeSecret());
                    if (!welcome(w).get().getNodeCredential().isEmpty()) {
                        credentials.put(named, welcome(w).get().getNodeCredential());
                    }
                    int length = 1 + (int) Math.floorMod(seed + session, 25);
                    for (int i = 0; i < length && outcomes.sent() < MESSAGES; i++) {
                        boolean beat = (i + session) % 2 == 0;
                        WorkerMessage message;
                        Optional<WorkerMessageLimits.Violation> violation;
                        if (beat) {
                            Heartbeat hb = fuzz.heartbeat();
                            violation = WorkerMessageLimits.heartbeat(hb);
                            message = WorkerMessage.newBuilder().setHeartbeat(hb).build();
                        } else {
                            var event = fuzz.runnerEvent();
                            violation = WorkerMessageLimits.runnerEvent(event);
                            message = WorkerMessage.newBuilder().setRunnerEvent(event).build();
                        }
                        w.write(message);
                        outcomes.count(beat ? "heartbeat" : "runner_event", violation);
                        if (violation.isPresent()) {
                            awaitRefusal(w, (beat ? "heartbeat" : "runner event") + " refused: "
                                    + violation.get().message());
                            break;
                        }
                    }
                    if (outcomes.sent() / 1000 > checks) {
                        checks++;
                        assertStillPlanned(steady, steadyModel, "steady-" + suffix);
                    }
                }
            }
            // Everything sent was handled: the loop answers, and the steady node is still planned.
            assertStillPlanned(steady, steadyModel, "steady-" + suffix);
        } finally {
            channel.shutdownNow();
        }
        long rounds = fleet.rounds().rounds() - roundsBefore;
        long loopFailures = fleet.failedLoopTasks() - failedBefore;
        assertTrue(rounds > 0, "no planning round during the fuzz");
        // Recorded in target/ on every run; -Dfuzz.report=$PWD/bench/results/security-fuzz.json records the committed
        // figures (bench/README.md, "security"). Not a rigpool.* property: the planner's config mapping owns that
        // prefix and refuses to start on a name it does not know.
        outcomes.write(Path.of(System.getProperty("fuzz.report", "target/security-fuzz.json")), seed,
                rounds, loopFailures, checks + 1, (System.nanoTime() - started) / 1e9);
        assertEquals(0, loopFailures, "fleet-loop tasks threw (logged) while fuzzing; see target/planner-test.log");
    }

    /** The loop answers within seconds, the steady node is ready and still runs its model. */
    private void assertStillPlanned(FakeWorker steady, String model, String nodeId) throws Exception {
        String state = fleet.submit(() -> fleet.node(nodeId).state.label()).get(10, TimeUnit.SECONDS);
        assertEquals("ready", state, "the well-behaved node");
        assertTrue(planned(steady, model), "the well-behaved node lost its runner: " + steady.latestAssignments());
        assertTrue(steady.error == null, "the well-behaved node's stream failed: " + steady.error);
    }

    private ManagedChannel channel() {
        return ManagedChannelBuilder.forAddress("localhost", planner.port()).usePlaintext().build();
    }

    /** Polls every millisecond: thousands of answers are waited for, each usually there within a few. */
    private static ConditionFactory quickly() {
        return await().atMost(ANSWER).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    private static boolean planned(FakeWorker w, String model) {
        PlannerMessage latest = w.latestAssignments();
        return latest != null && latest.getAssignments().getAssignmentsList().stream()
                .anyMatch(a -> a.getModelId().equals(model));
    }

    private static Optional<io.rigpool.proto.v1.Welcome> welcome(FakeWorker w) {
        return w.received.stream().filter(PlannerMessage::hasWelcome).map(PlannerMessage::getWelcome).reduce((a, b) -> b);
    }

    private static void awaitRefusal(FakeWorker w, String reason) {
        quickly().until(() -> w.received.stream().anyMatch(PlannerMessage::hasRefusal));
        String got = w.received.stream().filter(PlannerMessage::hasRefusal).findFirst().get().getRefusal().getReason();
        assertEquals(reason, got);
    }

    /** Counts per kind of message, and refusals by field and rule. */
    private static final class Outcomes {

        private final Map<String, int[]> byKind = new TreeMap<>();
        private final Map<String, Integer> refusals = new TreeMap<>();
        private int sent;

        int sent() {
            return sent;
        }

        void count(String kind, Optional<WorkerMessageLimits.Violation> violation) {
            sent++;
            int[] counts = byKind.computeIfAbsent(kind, k -> new int[2]);
            counts[violation.isPresent() ? 1 : 0]++;
            violation.ifPresent(v -> refusals.merge(kind + ": " + v.fieldKind() + " " + v.rule(), 1, Integer::sum));
        }

        void write(Path file, long seed, long rounds, long loopFailures, int checks, double seconds)
                throws java.io.IOException {
            StringBuilder json = new StringBuilder("{\n");
            json.append("  \"what\": \"generated WorkerHello, Heartbeat and RunnerEvent messages sent to a running")
                    .append(" planner over gRPC (WorkerStreamFuzzTest)\",\n");
            json.append("  \"command\": \"./mvnw -B -ntp -o -pl planner/service -am verify -Dtest=WorkerStreamFuzzTest")
                    .append(" -Dsurefire.failIfNoSpecifiedTests=false -DskipITs\",\n");
            json.append("  \"seed\": ").append(seed).append(",\n");
            json.append("  \"messages\": ").append(sent).append(",\n");
            json.append("  \"by_kind\": {\n");
            List<String> kinds = new ArrayList<>();
            byKind.forEach((k, c) -> kinds.add("    \"" + k + "\": {\"sent\": " + (c[0] + c[1]) + ", \"accepted\": "
                    + c[0] + ", \"refused\": " + c[1] + "}"));
            json.append(String.join(",\n", kinds)).append("\n  },\n");
            json.append("  \"refused_by_reason\": {\n");
            List<String> reasons = new ArrayList<>();
            refusals.forEach((r, n) -> reasons.add("    \"" + r + "\": " + n));
            json.append(String.join(",\n", reasons)).append("\n  },\n");
            json.append("  \"planning_rounds_during_fuzz\": ").append(rounds).append(",\n");
            json.append("  \"fleet_loop_task_failures\": ").append(loopFailures).append(",\n");
            json.append("  \"well_behaved_node_checks_passed\": ").append(checks).append(",\n");
            json.append("  \"seconds\": ").append(String.format(java.util.Locale.ROOT, "%.1f", seconds)).append("\n}\n");
            Files.createDirectories(file.getParent());
            Files.writeString(file, json.toString());
        }
    }
}
