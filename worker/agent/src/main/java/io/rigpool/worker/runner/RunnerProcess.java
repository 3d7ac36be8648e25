package io.rigpool.worker.runner;

import io.grpc.ManagedChannel;
import io.rigpool.proto.v1.RunnerGrpc;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A started runner: one OS process holding one loaded model, reachable over loopback gRPC. Ending it is the only
 * way to unload the model; the operating system then takes back all of its RAM and VRAM.
 */
public final class RunnerProcess {

    private final RunnerSpec spec;
    private final Process process;
    private final RunnerFiles files;
    private final ManagedChannel channel;
    private final RunnerLoadReport report;
    private final long loadStartedAtMs;
    private final long readyAtMs;

    RunnerProcess(RunnerSpec spec, Process process, RunnerFiles files, ManagedChannel channel,
            RunnerLoadReport report, long loadStartedAtMs, long readyAtMs) {
        this.spec = spec;
        this.process = process;
        this.files = files;
        this.channel = channel;
        this.report = report;
        this.loadStartedAtMs = loadStartedAtMs;
        this.readyAtMs = readyAtMs;
    }

    /** Wall-clock time (epoch ms) the process was started. */
    public long loadStartedAtMs() {
        return loadStartedAtMs;
    }

    /** Wall-clock time (epoch ms) the model was loaded and served. */
    public long readyAtMs() {
        return readyAtMs;
    }

    public RunnerSpec spec() {
        return spec;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes when the process has ended, whoever ended it. */
    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** What llama.cpp allocated for this model, per device, as the runner read it from llama.cpp's log. */
    public RunnerLoadReport loadReport() {
        return report;
    }

    public RunnerGrpc.RunnerBlockingStub blocking() {
        return RunnerGrpc.newBlockingStub(channel);
    }

    public RunnerGrpc.RunnerStub async() {
        return RunnerGrpc.newStub(channel);
    }

    public RunnerFiles files() {
        return files;
    }

    /**
     * The last lines the runner wrote, for a crash report: its own output (the JVM's messages, llama.cpp's
     * stderr), then llama.cpp's log, each line marked with where it comes from.
     */
    public List<String> lastOutputLines(int lines) {
        List<String> out = new ArrayList<>();
        files.tail(lines).forEach(line -> out.add("runner: " + line));
        RunnerFiles.tail(files.llamaLog(), lines).forEach(line -> out.add("llama.cpp: " + line));
        return out;
    }

    /**
     * Ends the process: asks politely (SIGTERM), and kills it when it has not ended after the grace period. Returns
     * once it is gone; its directory is removed.
     */
    public void stop(Duration grace) throws InterruptedException {
        channel.shutdownNow();
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            killWithChildren(process);
            process.waitFor();
        }
        files.delete();
    }

    /**
     * Kills a runner and what it started: a runner of the llama-server engine ends its llama-server itself when
     * asked, but a killed one cannot, and the orphan would keep the model's memory.
     */
    static void killWithChildren(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "runner " + spec.modelId() + " (pid " + process.pid() + ")";
    }
}
