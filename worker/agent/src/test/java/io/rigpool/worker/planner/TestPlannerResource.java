package io.rigpool.worker.planner;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.AssignmentSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.util.Map;

/**
 * Starts a {@link TestPlanner} before the worker app and points the worker at it. Every model in a hello is
 * assigned to that worker, on the CPU, with a 2048-token context in 2 slots. The test gets the planner in a field
 * annotated {@link InjectPlanner}.
 */
public class TestPlannerResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the test's field that receives the running planner. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectPlanner {
    }

    public static final int CONTEXT = 2048;
    public static final int SLOTS = 2;

    private TestPlanner planner;

    @Override
    public Map<String, String> start() {
        planner = new TestPlanner(hello -> {
            AssignmentSet.Builder set = AssignmentSet.newBuilder().setPlanVersion(1);
            hello.getModelsList().forEach(m -> set.addAssignments(Assignment.newBuilder().setModelId(m.getModelId())
                    .setNGpuLayers(0).setNCtx(CONTEXT).setParallelSlots(SLOTS).setReason("test plan")));
            return set.build();
        }, 300);
        try {
            int port = planner.start(0);
            return Map.of(
                    "quarkus.grpc.clients.planner.host", "127.0.0.1",
                    "quarkus.grpc.clients.planner.port", Integer.toString(port),
                    // In the test profile Quarkus gRPC clients dial test-port (default 9001), not port.
                    "quarkus.grpc.clients.planner.test-port", Integer.toString(port),
                    "rigpool.worker.demo-model-dir", Files.createTempDirectory("rigpool-worker-demo").toString());
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
        }
    }
}
