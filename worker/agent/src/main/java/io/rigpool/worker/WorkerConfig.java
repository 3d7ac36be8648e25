package io.rigpool.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Settings of the worker that runs on one gaming PC. */
@ConfigMapping(prefix = "rigpool.worker")
public interface WorkerConfig {

    /** Stable id of this node towards the planner; the host name when not set. */
    Optional<String> nodeId();

    /**
     * Directory with the GGUF models this PC offers (split models count once). When not set the worker runs in demo
     * mode: it writes a tiny generated chat model into {@link #demoModelDir()} and offers that.
     */
    Optional<Path> modelDir();

    /** Where demo mode keeps its generated model; an existing one is reused. */
    @WithDefault("${java.io.tmpdir}/rigpool-demo-models")
    Path demoModelDir();

    /**
     * GPUs to report when nvidia-smi is not on the PATH, comma-separated {@code name:total[:free]}, sizes with a
     * unit (GiB, MiB, GB, MB), e.g. {@code RTX 4060:8GiB} or {@code RTX 3060:12GiB:9GiB}. Not set: CPU-only.
     */
    Optional<String> gpus();

    /** The nvidia-smi command; GPUs are discovered with it when it is found on the PATH. */
    @WithDefault("nvidia-smi")
    String nvidiaSmi();

    /** Heartbeat period until the planner's Welcome names its own. */
    @WithDefault("3s")
    Duration heartbeatInterval();

    /** First wait before reconnecting to the planner after the stream broke; doubles up to {@link #reconnectMax()}. */
    @WithDefault("500ms")
    Duration reconnectMin();

    /** Longest wait between two attempts to reach the planner. */
    @WithDefault("10s")
    Duration reconnectMax();

    Runner runner();

    Jobs jobs();

    /** How runner processes (one per loaded model) are started. */
    interface Runner {

        /** The runner jar (worker/runner/target/rigpool-runner.jar, with its lib/ folder beside it). */
        Path jar();

        /** The java binary for runners; the one running this worker when not set. */
        Optional<String> java();

        /**
         * Folder with a java-llama.cpp native library built with a GPU backend (CUDA); passed to runners as
         * {@code de.kherud.llama.lib.path}. Not set: the bundled CPU-only library, and the planner is told that
         * this PC cannot offload layers.
         */
        Optional<Path> nativeLibraryPath();

        /** Options for the runner JVM. The model lives outside the Java heap, so a small heap is enough. */
        @WithDefault("-Xmx256m,-XX:+UseSerialGC")
        List<String> jvmOptions();

        /** Where each runner gets its own directory (native library, llama.cpp log, port file, output). */
        @WithDefault("${java.io.tmpdir}/rigpool-runners")
        Path workDir();

        /** CPU threads a runner gives llama.cpp; all of the machine's when not set. */
        OptionalInt threads();

        /** Longest time a model may take to load before its runner is given up. */
        @WithDefault("5m")
        Duration startTimeout();

        /** How long a runner may take to end after being asked before it is killed. */
        @WithDefault("10s")
        Duration stopGrace();
    }

    /** How jobs are taken from Kafka and reported. */
    interface Jobs {

        /** How long one poll of a model's job topic waits for records. */
        @WithDefault("500ms")
        Duration pollTimeout();

        /** Longest time one job may run on its runner before it is reported failed. */
        @WithDefault("10m")
        Duration jobTimeout();

        /** How long to wait for Kafka to acknowledge a job's terminal result before handing the job back. */
        @WithDefault("30s")
        Duration publishTimeout();
    }
}
