package io.rigpool.worker.runner;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.worker.models.LocalModelFile;
import io.rigpool.worker.models.ModelDirectoryScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner supervision on real runner processes (the packaged runner jar) and real generated models. */
class RunnerSupervisorTest {

    private static final long MIB = 1024 * 1024;
    private static final Duration GRACE = Duration.ofSeconds(10);
    /** "7f3a2c000000-7f3a2c021000 r--p 00000000 08:01 1234   /path": the first line of each mapping in smaps. */
    private static final Pattern MAPPING_HEADER = Pattern.compile("^[0-9a-f]+-[0-9a-f]+ ");

    @TempDir
    Path temp;

    private static final RestartPolicy RESTARTS = new RestartPolicy(Duration.ofMillis(200), Duration.ofSeconds(1), 2,
            Duration.ofMinutes(10));

    private final RecordingListener listener = new RecordingListener();
    private final AtomicInteger changes = new AtomicInteger();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private RunnerSupervisor supervisor;

    @AfterEach
    void endRunners() throws Exception {
        if (supervisor != null) {
            supervisor.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void unloadingEndsTheRunnerSoTheWorkerKeepsNoModelMemory() throws Exception {
        // F32 with wide layers: about 78 MB, far more than the noise of a JVM's resident set.
        TinyChatModel.Spec wide = TinyChatModel.Spec.standard().withWeightType(GgmlType.F32).withLayers(2)
                .withEmbedding(1024, 2048);
        Path big = TinyChatModel.write(temp.resolve("wide-f32.gguf"), wide);
        Path tiny = TinyChatModel.write(temp.resolve("tiny.gguf"), TinyChatModel.Spec.standard());
        long modelBytes = Files.size(big);
        Map<String, Path> files = Map.of("wide-f32", big, "tiny", tiny);
        supervisor = supervisor(launcher(), RESTARTS);
        long version = 1;
        // One cycle on the tiny model first: this JVM loads its gRPC client classes and buffers once.
        supervisor.apply(version++, List.of(assignment("tiny", 512)), models(files));
        supervisor.apply(version++, List.of(), models(files));
        long before = residentBytesOfThisJvm();

        for (int cycle = 1; cycle <= 3; cycle++) {
            supervisor.apply(version++, List.of(assignment("wide-f32", 512)), models(files));
            RunnerProcess runner = supervisor.runner("wide-f32").orElseThrow(
                    () -> new AssertionError("not loaded: " + supervisor.status()));
            long runnerRss = residentBytes(runner.pid());
            assertTrue(runnerRss > modelBytes, "cycle " + cycle + ": the runner holds the model: RSS "
                    + runnerRss / MIB + " MiB, model " + modelBytes / MIB + " MiB");
            long mapped = residentBytesMappedFrom(runner.pid(), big);
            assertTrue(mapped > modelBytes * 9 / 10, "cycle " + cycle + ": " + mapped / MIB + " MiB of the "
                    + modelBytes / MIB + " MiB model file are resident in the runner");

            supervisor.apply(version++, List.of(), models(files));

            assertFalse(ProcessHandle.of(runner.pid()).map(ProcessHandle::isAlive).orElse(false),
                    "cycle " + cycle + ": runner process " + runner.pid() + " is gone");
            assertEquals(List.of(), supervisor.status());
        }

        long grown = residentBytesOfThisJvm() - before;
        // Three loads inside this JVM would have kept at least 3 x 78 MB (java-llama.cpp never frees a model).
        assertTrue(grown < modelBytes / 2, "this JVM grew by " + grown / MIB + " MiB over 3 load/unload cycles of a "
                + modelBytes / MIB + " MiB model");
        assertEquals(List.of("started tiny", "stopping tiny (runner alive)", "started wide-f32",
                "stopping wide-f32 (runner alive)", "started wide-f32", "stopping wide-f32 (runner alive)",
                "started wide-f32", "stopping wide-f32 (runner alive)"), listener.events,
                "jobs stop while the runner still runs");
    }

    @Test
    void changedParametersRestartTheRunnerAndFailuresAreReportedWithTheirReason() throws Exception {
        Path tiny = TinyChatModel.write(temp.resolve("tiny.gguf"), TinyChatModel.Spec.standard());
        Path broken = Files.writeString(temp.resolve("broken.gguf"), "not a model");
        Map<String, Path> files = Map.of("tiny", tiny, "broken", broken);
        supervisor = supervisor(launcher(), RESTARTS);

        supervisor.apply(1, List.of(assignment("tiny", 512), assignment("broken", 512), assignment("elsewhere", 512)),
                models(files));

        Map<String, LoadedModel> status = byId(supervisor.status());
        assertEquals(LoadState.LOAD_STATE_READY, status.get("tiny").getState());
        assertEquals(512, status.get("tiny").getNCtx());
        assertTrue(status.get("tiny").getLoadReport().getBuffersCount() > 0, "the load report travels along");
        assertEquals(LoadState.LOAD_STATE_FAILED, status.get("broken").getState());
        assertTrue(status.get("broken").getError().contains("not a GGUF file"), status.get("broken").getError());
        assertEquals(LoadState.LOAD_STATE_FAILED, status.get("elsewhere").getState());
        assertEquals("model 'elsewhere' is not in this worker's model directory", status.get("elsewhere").getError());
        long firstPid = supervisor.runner("tiny").orElseThrow().pid();

        supervisor.apply(1, List.of(assignment("tiny", 512), assignment("broken", 512)),
                models(files));
        assertEquals(firstPid, supervisor.runner("tiny").orElseThrow().pid(), "an unchanged assignment is kept");

        supervisor.apply(2, List.of(assignment("tiny", 1024)), models(files));

        RunnerProcess second = supervisor.runner("tiny").orElseThrow();
        assertNotEquals(firstPid, second.pid(), "a new context size needs a new process");
        assertEquals(1024, second.loadReport().getNCtx());
        assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(List.of("tiny"), supervisor.status().stream().map(LoadedModel::getModelId).toList());
    }

    @Test
    void aCrashedRunnerIsReportedAndRestartedUntilItCrashesTooOftenInARow() throws Exception {
        Path tiny = TinyChatModel.write(temp.resolve("tiny.gguf"), TinyChatModel.Spec.standard());
        Map<String, Path> files = Map.of("tiny", tiny);
        supervisor = supervisor(launcher(), RESTARTS);
        supervisor.apply(1, List.of(assignment("tiny", 512)), models(files));
        long pid = supervisor.runner("tiny").orElseThrow().pid();

        for (int crash = 1; crash <= RESTARTS.maxRestarts(); crash++) {
            long killed = pid;
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            int expectedCrashes = crash;
            await().atMost(Duration.ofSeconds(60)).until(() -> listener.crashes.size() == expectedCrashes
                    && supervisor.runner("tiny").map(r -> r.pid() != killed).orElse(false));
            pid = supervisor.runner("tiny").orElseThrow().pid();
        }
        RunnerCrash first = listener.crashes.get(0);
        assertEquals(137, first.getExitCode(), "SIGKILL");
        assertTrue(first.getLastLogLinesList().stream().anyMatch(l -> l.startsWith("llama.cpp: ")),
                "llama.cpp's last lines travel with the crash: " + first.getLastLogLinesList());

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> byId(supervisor.status()).get("tiny").getError()
                .contains("not restarted until the planner sends a new plan"));
        assertEquals(LoadState.LOAD_STATE_FAILED, byId(supervisor.status()).get("tiny").getState());
        assertEquals(RESTARTS.maxRestarts() + 1, listener.crashes.size());

        supervisor.apply(1, List.of(assignment("tiny", 512)), models(files));
        assertTrue(supervisor.runner("tiny").isEmpty(), "the same plan again changes nothing");
        supervisor.apply(2, List.of(assignment("tiny", 512)), models(files));
        assertTrue(supervisor.runner("tiny").isPresent(), "a new plan tries again");
    }

    @Test
    void pausingEndsEveryRunnerAndResumingLoadsTheLatestPlan() throws Exception {
        Path tiny = TinyChatModel.write(temp.resolve("tiny.gguf"), TinyChatModel.Spec.standard());
        Map<String, Path> files = Map.of("tiny", tiny);
        supervisor = supervisor(launcher(), RESTARTS);
        supervisor.apply(1, List.of(assignment("tiny", 512)), models(files));
        long pid = supervisor.runner("tiny").orElseThrow().pid();

        supervisor.suspend();

        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the runner ended");
        assertEquals(List.of(), supervisor.status());
        supervisor.apply(2, List.of(assignment("tiny", 1024)), models(files));
        assertEquals(List.of(), supervisor.status(), "a plan that comes while paused waits");

        supervisor.resume();

        assertEquals(1024, supervisor.runner("tiny").orElseThrow().loadReport().getNCtx(), "the latest plan");
        assertEquals(List.of("started tiny", "stopping tiny (runner alive)", "started tiny"), listener.events);
    }

    @Test
    void aDrainedRunnerStopsTakingJobsButStaysLoadedUntilThePlanMovesOn() throws Exception {
        Path tiny = TinyChatModel.write(temp.resolve("tiny.gguf"), TinyChatModel.Spec.standard());
        Map<String, Path> files = Map.of("tiny", tiny);
        supervisor = supervisor(launcher(), RESTARTS);
        supervisor.apply(1, List.of(assignment("tiny", 512)), models(files));
        long pid = supervisor.runner("tiny").orElseThrow().pid();
        Assignment draining = assignment("tiny", 512).toBuilder().setDrain(true).build();

        supervisor.apply(2, List.of(draining), models(files));

        assertEquals(List.of("started tiny", "stopping tiny (runner alive)"), listener.events);
        assertEquals(LoadState.LOAD_STATE_DRAINING, byId(supervisor.status()).get("tiny").getState());
        assertTrue(supervisor.runner("tiny").isEmpty(), "no job may start on a draining runner");
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "still loaded");

        supervisor.apply(3, List.of(assignment("tiny", 512)), models(files));

        assertEquals(pid, supervisor.runner("tiny").orElseThrow().pid(), "the same runner serves again");
        assertEquals(List.of("started tiny", "stopping tiny (runner alive)", "started tiny"), listener.events);

        supervisor.apply(4, List.of(draining), models(files));
        supervisor.apply(5, List.of(), models(files));

        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "removed: the runner ended");
        assertEquals(List.of(), supervisor.status());
        supervisor.apply(6, List.of(draining), models(files));
        assertEquals(List.of(), supervisor.status(), "a model to drain is not loaded for it");
    }

    @Test
    void loadProgressRisesToCompletionWhileTheRunnerLoads() throws Exception {
        TinyChatModel.Spec wide = TinyChatModel.Spec.standard().withWeightType(GgmlType.F32).withLayers(2)
                .withEmbedding(1024, 2048);
        Path big = TinyChatModel.write(temp.resolve("wide-f32.gguf"), wide);
        List<Float> progress = new CopyOnWriteArrayList<>();
        RunnerSpec spec = new RunnerSpec("wide-f32", big, 0, 512, 1);
        int steps = ModelDirectoryScanner.describe(big).loadSteps();

        RunnerProcess runner = launcher().start(spec, steps, progress::add);
        try {
            long dots = Files.readAllLines(runner.files().llamaLog()).stream()
                    .filter(l -> !l.isBlank() && l.strip().chars().allMatch(c -> c == '.'))
                    .mapToLong(l -> l.strip().length()).sum();
            assertTrue(Math.abs(dots - steps) <= 2, "the tensor table predicts " + steps + " progress dots, llama.cpp"
                    + " logged " + dots);
            assertEquals(1f, progress.get(progress.size() - 1), "complete once it serves: " + progress);
            assertTrue(progress.get(0) < 1f, "reported before the end: " + progress);
            for (int i = 1; i < progress.size(); i++) {
                assertTrue(progress.get(i) >= progress.get(i - 1), "never goes back: " + progress);
            }
        } finally {
            runner.stop(GRACE);
        }
    }

    private RunnerSupervisor supervisor(RunnerLauncher launcher, RestartPolicy restarts) {
        return new RunnerSupervisor(launcher, listener, GRACE, restarts, scheduler, changes::incrementAndGet);
    }

    /** The model files of this test as the supervisor looks them up; a file that is no model still gets tried. */
    private static Function<String, Optional<LocalModelFile>> models(Map<String, Path> files) {
        return id -> Optional.ofNullable(files.get(id)).map(path -> new LocalModelFile(path,
                LocalModel.newBuilder().setModelId(id).build(), 30));
    }

    private static Assignment assignment(String modelId, int ctx) {
        return Assignment.newBuilder().setModelId(modelId).setNCtx(ctx).setParallelSlots(1).build();
    }

    private RunnerLauncher launcher() {
        Path jar = Path.of(System.getProperty("rigpool.worker.runner.jar"));
        assertTrue(Files.isRegularFile(jar), "runner jar built first: " + jar);
        RunnerCommand command = new RunnerCommand(ProcessHandle.current().info().command().orElseThrow(),
                List.of("-Xmx128m", "-XX:+UseSerialGC"), jar, Optional.empty(), 2);
        return new RunnerLauncher(command, temp.resolve("runners"), Duration.ofSeconds(120));
    }

    private static Map<String, LoadedModel> byId(List<LoadedModel> models) {
        return models.stream().collect(Collectors.toMap(LoadedModel::getModelId, m -> m));
    }

    private static long residentBytesOfThisJvm() throws IOException {
        System.gc();
        return residentBytes(ProcessHandle.current().pid());
    }

    /** VmRSS of a process, from /proc (this test runs on Linux, like the CI). */
    static long residentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /** Resident bytes of a process's mappings of one file, from /proc/PID/smaps. */
    private static long residentBytesMappedFrom(long pid, Path file) throws IOException {
        String path = file.toRealPath().toString();
        long sum = 0;
        boolean inFile = false;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
            if (MAPPING_HEADER.matcher(line).find()) {
                inFile = line.endsWith(" " + path);
            } else if (inFile && line.startsWith("Rss:")) {
                sum += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return sum;
    }

    /** Records what the job side would be told, and whether the runner was still up when jobs were stopped. */
    private static final class RecordingListener implements RunnerSupervisor.Listener {

        final List<String> events = new CopyOnWriteArrayList<>();
        final List<RunnerCrash> crashes = new CopyOnWriteArrayList<>();
        private final Map<String, RunnerProcess> started = new ConcurrentHashMap<>();

        @Override
        public void started(RunnerProcess runner) {
            started.put(runner.spec().modelId(), runner);
            events.add("started " + runner.spec().modelId());
        }

        @Override
        public int stopping(String modelId) {
            RunnerProcess runner = started.get(modelId);
            boolean alive = runner != null && runner.isAlive();
            events.add("stopping " + modelId + (alive ? " (runner alive)" : " (runner gone)"));
            return 0;
        }

        @Override
        public void crashed(String modelId, RunnerCrash crash) {
            crashes.add(crash);
            events.add("crashed " + modelId);
        }

    }
}
