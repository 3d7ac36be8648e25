package io.rigpool.worker.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.common.engines.LlamaServerInstall;
import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.Engine;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerEnginesTest {

    @Test
    void javaLlamaOffersTheGpuOnlyWhenItsProbeProvedIt() {
        Engine cpu = WorkerEngines.javaLlama(Backend.newBuilder().setKind("cpu").setLibrary("bundled").build());
        Engine cuda = WorkerEngines.javaLlama(Backend.newBuilder().setKind("cuda").setGpuProven(true)
                .setLibrary("natives/cuda-13").setLlamaCppBuild("4916 (c6af2161)").build());

        assertEquals(List.of("cpu"), cpu.getBackendsList());
        assertEquals("b4916", cpu.getLlamaCppBuild(), "the build java-llama.cpp 4.2.0 bundles when the probe said none");
        assertEquals(List.of("cpu", "cuda"), cuda.getBackendsList());
        assertTrue(cpu.getArchitecturesList().contains("llama"));
        assertFalse(cpu.getArchitecturesList().contains("qwen3"), "b4916 predates qwen3");
    }

    @Test
    void llamaServerIsReportedBesideJavaLlamaWhenPresent() {
        Engine server = Engine.newBuilder().setKind("llama-server").addArchitectures("qwen3").build();
        List<Engine> engines = WorkerEngines.of(Backend.getDefaultInstance(), Optional.of(server));

        assertEquals(List.of("java-llama", "llama-server"), engines.stream().map(Engine::getKind).toList());
        assertEquals(1, WorkerEngines.of(Backend.getDefaultInstance(), Optional.empty()).size());
    }

    @Test
    void readsTheVersionLineOfLlamaServer() {
        assertEquals(Optional.of("0.5.0-dev (build 1, commit de3ff81)"), LlamaServerInstall.versionIn(
                "load_backend: loaded CPU backend\nversion: 0.5.0-dev (build 1, commit de3ff81)\nbuilt with GNU 12\n"));
        assertEquals(Optional.empty(), LlamaServerInstall.versionIn("usage: llama-server [options]\n"));
    }
}
