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

    /**
     * A file with the GPUs in the form of {@link #gpus()} (one per line or comma-separated), read again at every
     * VRAM poll, for machines without nvidia-smi whose free VRAM still changes (an owner's script writes it), and
     * for tests. Used when nvidia-smi is not on the PATH; takes precedence over {@link #gpus()}.
     */
    Optional<Path> gpusFile();

    /** How often free VRAM is read (nvidia-smi or the GPU file). */
    @WithDefault("1s")
    Duration vramPollInterval();

    /**
     * A change of free VRAM on any GPU by at least this much since the last heartbeat sends a heartbeat at once
     * (the owner started a game); smaller changes wait for the next regular one. A size such as 256MiB.
     */
    @WithDefault("256MiB")
    String vramChangeThreshold();

    /** Host memory bandwidth in GB/s to report; measured with a short copy test at start when not set. */
    Optional<Double> cpuBandwidthGbps();

    /** The nvidia-smi command; GPUs are discovered with it when it is found on the PATH. */
    @WithDefault("nvidia-smi")
    String nvidiaSmi();

    /**
     * Where this node keeps the credential the planner gave its node id at the first hello (owner-only file). The
     * planner answers to that node id only with it, so the file must survive restarts; when it is lost, an admin
     * revokes the old credential. Not set: kept in memory only, for tests (a packaged worker sets
     * {@code node-credential} in its working folder).
     */
    Optional<Path> credentialFile();

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

    LlamaServer llamaServer();

    /**
     * The second engine: llama.cpp's own llama-server, for the architectures java-llama.cpp's llama.cpp (b4916) does
     * not load and for keeping MoE experts in RAM. Offered to the planner only after a probe load worked.
     */
    interface LlamaServer {

        /**
         * The llama-server binary (an official llama.cpp release for this platform and GPU, or the CPU build of
         * deploy/llama-server/build-from-npm.sh). Not set: the worker has only the java-llama.cpp engine.
         */
        Optional<Path> binary();

        /**
         * The model architectures it loads, for a binary without the {@code architectures.txt} that
         * build-from-npm.sh writes beside it (the names of llama.cpp's src/llama-arch.cpp for its release).
         */
        Optional<List<String>> architectures();
    }

    Owner owner();

    /** What the PC's owner decides locally, whatever the planner plans. */
    interface Owner {

        /** VRAM the owner keeps free for themselves (a size such as 2GiB); changeable at runtime. */
        @WithDefault("0")
        String reserve();

        /** While this file exists the worker is paused: it takes no jobs and unloads its models. */
        Optional<Path> pauseFile();
    }

    /** How runner processes (one per loaded model) are started. */
    interface Runner {

        /** The runner jar (worker/runner/target/rigpool-runner.jar, with its lib/ folder beside it). */
        Path jar();

        /** The java binary for runners; the one running this worker when not set. */
        Optional<String> java();

        /**
         * Folder with a java-llama.cpp native library built with a GPU backend (CUDA), probed alone instead of the
         * folders under {@link #nativesDir()}. Passed to runners as {@code de.kherud.llama.lib.path} only once a
         * probe load proved it; else runners use the bundled CPU library and the planner is told why.
         */
        Optional<Path> nativeLibraryPath();

        /**
         * Ollama-style natives folders: {@code cuda-13/}, {@code cuda-12/}, each with libjllama.so, its CUDA
         * libraries and the manifest.json of deploy/natives/build-cuda.sh. At start the worker probes the newest one
         * the driver supports, then the next, and falls back to java-llama.cpp's bundled CPU library.
         */
        @WithDefault("natives")
        Path nativesDir();

        /**
         * Options for the runner JVM. The model lives outside the Java heap, so a small heap is enough; a runner out
         * of heap exits at once (and is restarted like any crash) rather than limping on half-broken.
         */
        @WithDefault("-Xmx256m,-XX:+UseSerialGC,-XX:+ExitOnOutOfMemoryError")
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

        /** Pause before restarting a runner that crashed; doubles with each crash in a row. */
        @WithDefault("1s")
        Duration restartMin();

        /** Longest pause between restarts of a crashing runner. */
        @WithDefault("1m")
        Duration restartMax();

        /** Crashes in a row after which a runner is not restarted until the planner sends a new plan. */
        @WithDefault("5")
        int maxRestarts();

        /** A runner that served this long before it crashed starts the count of crashes in a row afresh. */
        @WithDefault("10m")
        Duration stableAfter();
    }

    /** How jobs are taken from Kafka and reported. */
    interface Jobs {

        /** How long one poll of a model's job topic waits for records. */
        @WithDefault("500ms")
        Duration pollTimeout();

        /**
         * How many times a runner of this worker may die while running a job before the next delivery of that job
         * here is reported failed instead of run: a poison job must not bring runners down for ever. Counted by the
         * worker itself, not from the broker's delivery count, which a broker restart inflates ({@code PoisonLimits}).
         */
        @WithDefault("3")
        int maxRunnerDeaths();

        /**
         * The last guard against poison jobs: a job delivered more than this many times (the broker's count, every
         * worker's deliveries together) is reported failed instead of run. Keep it below the broker's
         * {@code group.share.delivery.count.limit} (10 on rigpool's brokers, the most Kafka 4.2 allows): Kafka
         * archives a record handed back at that limit, dropping its job without a word.
         */
        @WithDefault("9")
        int maxDeliveries();

        /**
         * The lock the model's share group puts on a job record taken by a worker: how soon the jobs of a worker
         * that died (SIGKILL, power cut) are delivered again. Set on the group, so the last worker to join wins;
         * unset, the broker's {@code group.share.record.lock.duration.ms} (30 s) holds. Running jobs renew it.
         */
        Optional<Duration> recordLock();

        /** Longest time one job may run on its runner before it is reported failed. */
        @WithDefault("10m")
        Duration jobTimeout();

        /** How long to wait for Kafka to acknowledge a job's terminal result before handing the job back. */
        @WithDefault("30s")
        Duration publishTimeout();

        /**
         * How long running jobs may go on when the worker stops (SIGTERM), pauses, or unloads their model; jobs
         * still running then are handed back without a result and delivered again.
         */
        @WithDefault("20s")
        Duration drainTimeout();

        /**
         * Longest time a piece of generated text waits before it is sent to rigpool.tokens in a chunk (the
         * chunk leaves within 50 ms of its first piece, with margin for the send).
         */
        @WithDefault("40ms")
        Duration tokenFlushDelay();

        /**
         * How long a job runs before its RUNNING update is sent; a job that ends sooner sends it just before its
         * end, so that a short job's updates do not take the cores from llama.cpp while it generates.
         */
        @WithDefault("50ms")
        Duration runningReportDelay();

        /** How long a cancel for a job not running here is remembered, in case the job reaches this worker. */
        @WithDefault("10m")
        Duration cancelMemory();
    }
}
