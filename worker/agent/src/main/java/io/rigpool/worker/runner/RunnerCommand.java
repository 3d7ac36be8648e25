package io.rigpool.worker.runner;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of one runner process, in the runner's command-line contract (see the runner's RunnerOptions).
 * Everything the runner writes goes to its own directory: native library ({@code de.kherud.llama.tmpdir}, which
 * java-llama.cpp would otherwise share and clean up between processes), llama.cpp log, port file.
 */
public record RunnerCommand(String java, List<String> jvmOptions, Path jar, Optional<Path> nativeLibraryPath,
        int threads, Optional<Path> llamaServer) {

    /** A command for the java-llama.cpp engine only. */
    public RunnerCommand(String java, List<String> jvmOptions, Path jar, Optional<Path> nativeLibraryPath,
            int threads) {
        this(java, jvmOptions, jar, nativeLibraryPath, threads, Optional.empty());
    }

    /** The same command with runners loading their JNI library from another folder (empty: the bundled one). */
    public RunnerCommand withNativeLibraryPath(Optional<Path> folder) {
        return new RunnerCommand(java, jvmOptions, jar, folder, threads, llamaServer);
    }

    /** The same command able to start runners of the llama-server engine with this binary. */
    public RunnerCommand withLlamaServer(Optional<Path> binary) {
        return new RunnerCommand(java, jvmOptions, jar, nativeLibraryPath, threads, binary);
    }

    /**
     * @throws IllegalStateException when the spec asks for the llama-server engine and this worker has none (a
     *     planner that ignored the engines in the hello)
     */
    public List<String> build(RunnerSpec spec, RunnerFiles files) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-Dde.kherud.llama.tmpdir=" + files.nativeDir());
        nativeLibraryPath.ifPresent(dir -> command.add("-Dde.kherud.llama.lib.path=" + dir));
        command.add(ParentProcessWatch.jvmFlag());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(
                "--model", spec.modelPath().toString(),
                "--ctx-size", Integer.toString(spec.ctxSize()),
                "--gpu-layers", Integer.toString(spec.gpuLayers()),
                "--parallel", Integer.toString(spec.slots()),
                "--threads", Integer.toString(threads),
                "--log-file", files.llamaLog().toString(),
                "--port-file", files.portFile().toString(),
                "--output-file", files.output().toString()));
        if (spec.engine() == EngineKind.LLAMA_SERVER) {
            Path binary = llamaServer.orElseThrow(() -> new IllegalStateException(spec.modelId()
                    + " is assigned to the llama-server engine, but this worker has no llama-server"
                    + " (rigpool.worker.llama-server.binary)"));
            command.addAll(List.of("--engine", EngineKind.LLAMA_SERVER.id(), "--llama-server",
                    binary.toString()));
            if (spec.nCpuMoe() > 0) {
                command.addAll(List.of("--n-cpu-moe", Integer.toString(spec.nCpuMoe())));
            }
        }
        return command;
    }
}
