package io.rigpool.worker.runner;

import io.rigpool.common.lifecycle.ParentProcessWatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rigpool.proto.v1.Assignment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunnerCommandTest {

    @Test
    void followsTheRunnersCommandLineContract() {
        RunnerCommand command = new RunnerCommand("/jdk/bin/java", List.of("-Xmx256m"), Path.of("/w/runner.jar"),
                Optional.of(Path.of("/cuda-lib")), 6);
        RunnerSpec spec = RunnerSpec.of(Assignment.newBuilder().setModelId("m").setNGpuLayers(20).setNCtx(8192)
                .setParallelSlots(4).build(), Path.of("/models/m.gguf"));

        List<String> line = command.build(spec, new RunnerFiles(Path.of("/tmp/r1")));

        assertEquals(List.of("/jdk/bin/java", "-Xmx256m", "-Dde.kherud.llama.tmpdir=/tmp/r1/native",
                "-Dde.kherud.llama.lib.path=/cuda-lib", ParentProcessWatch.jvmFlag(), "-jar", "/w/runner.jar",
                "--model", "/models/m.gguf", "--ctx-size", "8192", "--gpu-layers", "20", "--parallel", "4",
                "--threads", "6", "--log-file", "/tmp/r1/llama.log", "--port-file", "/tmp/r1/port",
                "--output-file", "/tmp/r1/runner.out"), line);
    }

    @Test
    void anAssignmentToLlamaServerAddsTheEngineItsBinaryAndTheExpertsKeptInRam() {
        RunnerCommand command = new RunnerCommand("java", List.of(), Path.of("/w/runner.jar"), Optional.empty(), 2)
                .withLlamaServer(Optional.of(Path.of("/opt/llama/bin/llama-server")));
        RunnerSpec spec = RunnerSpec.of(Assignment.newBuilder().setModelId("gpt-oss-20b").setNGpuLayers(24)
                .setNCtx(4096).setEngine("llama-server").setNCpuMoe(10).build(), Path.of("/models/g.gguf"));

        List<String> line = command.build(spec, new RunnerFiles(Path.of("/tmp/r2")));

        assertEquals(List.of("--engine", "llama-server", "--llama-server", "/opt/llama/bin/llama-server",
                "--n-cpu-moe", "10"), line.subList(line.size() - 6, line.size()));
    }

    @Test
    void anEngineTheWorkerLacksOrDoesNotKnowIsRefusedWithItsName() {
        RunnerCommand javaOnly = new RunnerCommand("java", List.of(), Path.of("/w/runner.jar"), Optional.empty(), 2);
        RunnerSpec spec = RunnerSpec.of(Assignment.newBuilder().setModelId("q").setNCtx(512).setEngine("llama-server")
                .build(), Path.of("/models/q.gguf"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> javaOnly.build(spec, new RunnerFiles(Path.of("/tmp/r3"))));
        assertEquals("q is assigned to the llama-server engine, but this worker has no llama-server"
                + " (rigpool.worker.llama-server.binary)", e.getMessage());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RunnerSpec.of(
                Assignment.newBuilder().setModelId("q").setNCtx(512).setEngine("vllm").build(), Path.of("q.gguf")));
        assertEquals("engine 'vllm' is not one this worker knows", unknown.getMessage());
        IllegalArgumentException moe = assertThrows(IllegalArgumentException.class, () -> RunnerSpec.of(
                Assignment.newBuilder().setModelId("q").setNCtx(512).setNCpuMoe(4).build(), Path.of("q.gguf")));
        assertEquals("n_cpu_moe 4 needs the llama-server engine, not java-llama", moe.getMessage());
    }

    @Test
    void anAssignmentWithoutSlotsGetsOneAndAnImpossibleOneIsRefused() {
        Assignment noSlots = Assignment.newBuilder().setModelId("m").setNCtx(2048).build();
        assertEquals(1, RunnerSpec.of(noSlots, Path.of("m.gguf")).slots());

        Assignment noContext = Assignment.newBuilder().setModelId("m").setParallelSlots(2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunnerSpec.of(noContext, Path.of("m.gguf")));
        assertEquals("n_ctx 0 cannot hold 2 slots", e.getMessage());
    }
}
