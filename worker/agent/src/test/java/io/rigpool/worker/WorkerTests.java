package io.rigpool.worker;

import static org.awaitility.Awaitility.await;

import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.worker.planner.TestPlanner;
import io.rigpool.worker.planner.TestPlannerResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Predicate;

/** What the worker app's tests share: waiting for the model to serve, reading what the planner heard. */
final class WorkerTests {

    private WorkerTests() {
    }

    /** Waits until the demo model serves and the planner has heard so. */
    static void awaitReady(TestPlanner planner, WorkerLifecycle worker) {
        await().atMost(WorkerKafka.DEADLINE).until(() -> worker.node() != null
                && worker.node().supervisor().runner(WorkerKafka.MODEL).isPresent()
                && lastHeartbeat(planner).map(h -> h.getLoadedList().stream().anyMatch(WorkerTests::ready))
                        .orElse(false));
    }

    static boolean ready(LoadedModel m) {
        return m.getModelId().equals(WorkerKafka.MODEL) && m.getState() == LoadState.LOAD_STATE_READY
                && m.getSlotsTotal() == TestPlannerResource.SLOTS && m.getLoadReport().getBuffersCount() > 0;
    }

    static Optional<Heartbeat> lastHeartbeat(TestPlanner planner) {
        var all = planner.heartbeats;
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Index of the first heartbeat at or after {@code from} that matches, or -1. */
    static int heartbeatMatching(TestPlanner planner, int from, Predicate<Heartbeat> test) {
        for (int i = from; i < planner.heartbeats.size(); i++) {
            if (test.test(planner.heartbeats.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Replaces a file whole, as an owner's script should, so a reader never sees half of it. */
    static void writeAtomically(Path file, String content) throws IOException {
        Path temp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
