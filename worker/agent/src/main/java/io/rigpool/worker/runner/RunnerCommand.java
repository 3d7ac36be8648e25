package io.rigpool.worker.runner;

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
        int threads) {

    /** The same command with runners loading their JNI library from another folder (empty: the bundled one). */
    public RunnerCommand withNativeLibraryPath(Optional<Path> folder) {
        return new RunnerCommand(java, jvmOptions, jar, folder, threads);
    }

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
        return command;
    }
}
