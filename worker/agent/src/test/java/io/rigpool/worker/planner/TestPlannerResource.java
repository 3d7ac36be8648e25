package io.rigpool.worker.planner;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rigpool.common.files.Directories;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.AssignmentSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a {@link TestPlanner} before the worker app and points the worker at it. Every model in a hello is
 * assigned to that worker, on the CPU, with a 2048-token context in 2 slots. The planner asks for a heartbeat only
 * every 20 s, so that whatever the tests see sooner was sent at once by the worker. The worker reads its GPU from a
 * file the tests can rewrite ({@code rigpool.worker.gpus-file}) and pauses while its pause file exists. Tests get the planner
 * in a field annotated {@link InjectPlanner}.
 */
public class TestPlannerResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the test's field that receives the running planner. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectPlanner {
    }

    public static final int CONTEXT = 2048;
    public static final int SLOTS = 2;
    public static final int HEARTBEAT_INTERVAL_MS = 20_000;
    /** What the worker's GPU file says at start: one RTX 3060 with 11 GiB free. */
    public static final String FIRST_GPUS = "NVIDIA GeForce RTX 3060:12GiB:11GiB";

    private TestPlanner planner;
    /** The worker's demo model, runners' folders, GPU file and pause file: removed when the test app stops. */
    private Path dir;

    @Override
    public Map<String, String> start() {
        planner = new TestPlanner(hello -> {
            AssignmentSet.Builder set = AssignmentSet.newBuilder().setPlanVersion(1);
            hello.getModelsList().forEach(m -> set.addAssignments(Assignment.newBuilder().setModelId(m.getModelId())
                    .setNGpuLayers(0).setNCtx(CONTEXT).setParallelSlots(SLOTS).setReason("test plan")));
            return set.build();
        }, HEARTBEAT_INTERVAL_MS);
        try {
            int port = planner.start(0);
            dir = Files.createTempDirectory("rigpool-worker-test");
            Path gpus = Files.writeString(dir.resolve("gpus"), FIRST_GPUS);
            Path pause = dir.resolve("pause");
            return Map.ofEntries(
                    Map.entry("quarkus.grpc.clients.planner.host", "127.0.0.1"),
                    Map.entry("quarkus.grpc.clients.planner.port", Integer.toString(port)),
                    // In the test profile Quarkus gRPC clients dial test-port (default 9001), not port.
                    Map.entry("quarkus.grpc.clients.planner.test-port", Integer.toString(port)),
                    Map.entry("rigpool.worker.demo-model-dir", dir.resolve("models").toString()),
                    // Runners' folders too: a runner that crashed or outlived its worker keeps its folder.
                    Map.entry("rigpool.worker.runner.work-dir", dir.resolve("runners").toString()),
                    Map.entry("rigpool.worker.nvidia-smi", dir.resolve("no-nvidia-smi").toString()),
                    Map.entry("rigpool.worker.gpus-file", gpus.toString()),
                    Map.entry("rigpool.worker.owner.pause-file", pause.toString()),
                    Map.entry("rigpool.worker.runner.restart-min", "200ms"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(planner, new TestInjector.AnnotatedAndMatchesType(InjectPlanner.class,
                TestPlanner.class));
    }

    @Override
    public void stop() {
        try {
            planner.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (dir != null) {
                Directories.deleteRecursively(dir);
            }
        }
    }
}
