package io.rigpool.worker.runner;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.rigpool.proto.v1.DescribeRequest;
import io.rigpool.proto.v1.RunnerGrpc;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts runner processes and waits until each has loaded its model: the runner announces its port in a file once
 * the model is in memory, or writes the reason it could not load next to it and exits.
 */
public final class RunnerLauncher {

    private static final Logger LOG = Logger.getLogger(RunnerLauncher.class);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration DESCRIBE_DEADLINE = Duration.ofSeconds(30);
    private static final int OUTPUT_LINES_IN_ERRORS = 15;
    /** How often the load progress is read from llama.cpp's log while a model loads. */
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(250);

    /** Told how far a load is, between 0 and 1, while it runs. */
    public interface Progress {
        void loaded(float fraction);
    }

    private final RunnerCommand command;
    private final Path workDir;
    private final Duration startTimeout;

    public RunnerLauncher(RunnerCommand command, Path workDir, Duration startTimeout) {
        this.command = command;
        this.workDir = workDir;
        this.startTimeout = startTimeout;
    }

    /**
     * Starts a runner for the spec and returns once its model is loaded.
     *
     * @throws RunnerStartException with the runner's own reason when it could not load the model
     */
    public RunnerProcess start(RunnerSpec spec) throws RunnerStartException, InterruptedException {
        return start(spec, 1, fraction -> { });
    }

    /**
     * As {@link #start(RunnerSpec)}, reporting the load's progress as it goes.
     *
     * @param loadSteps the progress marks llama.cpp will log for this model ({@link LoadProgress#steps})
     */
    public RunnerProcess start(RunnerSpec spec, int loadSteps, Progress progress)
            throws RunnerStartException, InterruptedException {
        long startedAt = System.currentTimeMillis();
        RunnerFiles files;
        Process process;
        try {
            files = RunnerFiles.create(workDir, spec.modelId());
        } catch (IOException e) {
            throw new RunnerStartException("could not start a runner process for " + spec.modelId() + ": " + e);
        }
        try {
            // Standard input stays a pipe: the runner ends itself when this worker dies and the pipe closes.
            ProcessBuilder builder = new ProcessBuilder(command.build(spec, files))
                    .redirectErrorStream(true)
                    .redirectOutput(files.output().toFile());
            command.nativeLibraryPath().ifPresent(folder -> onLibrarySearchPath(builder, folder));
            process = builder.start();
        } catch (IOException e) {
            files.delete();
            throw new RunnerStartException("could not start a runner process for " + spec.modelId() + ": " + e);
        } catch (IllegalStateException e) {
            files.delete();
            throw new RunnerStartException(e.getMessage());
        }
        LOG.infof("started runner for %s (pid %d, %s, %d GPU layers, context %d, %d slots)", spec.modelId(),
                process.pid(), spec.engine(), spec.gpuLayers(), spec.ctxSize(), spec.slots());
        try {
            int port = awaitPort(spec, process, files, loadSteps, progress);
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
                    InsecureChannelCredentials.create()).build();
            RunnerLoadReport report = RunnerGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(DESCRIBE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .describe(DescribeRequest.getDefaultInstance());
            progress.loaded(1f);
            return new RunnerProcess(spec, process, files, channel, report, startedAt, System.currentTimeMillis());
        } catch (RunnerStartException | InterruptedException | RuntimeException e) {
            RunnerProcess.killWithChildren(process);
            process.waitFor(10, TimeUnit.SECONDS);
            files.delete();
            throw e;
        }
    }

    /**
     * On Windows the JVM loads jllama.dll with plain LoadLibrary, which finds the DLLs it needs (cudart64_13.dll,
     * cublas64_13.dll) only on the PATH, not beside it; Linux libraries find theirs through RPATH $ORIGIN.
     */
    static void onLibrarySearchPath(ProcessBuilder builder, Path folder) {
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
            builder.environment().merge("PATH", folder.toString(), (path, dir) -> dir + java.io.File.pathSeparator
                    + path);
        }
    }

    private int awaitPort(RunnerSpec spec, Process process, RunnerFiles files, int loadSteps, Progress progress)
            throws RunnerStartException, InterruptedException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        long nextProgress = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() - nextProgress >= 0) {
                progress.loaded(LoadProgress.of(RunnerFiles.lines(files.llamaLog()), loadSteps));
                nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            }
            var port = files.read(files.portFile());
            if (port.isPresent()) {
                try {
                    return Integer.parseInt(port.get());
                } catch (NumberFormatException e) {
                    throw new RunnerStartException("runner for " + spec.modelId() + " announced port '" + port.get()
                            + "'");
                }
            }
            if (process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                String reason = files.read(files.errorFile()).orElseGet(() -> "runner exited with code "
                        + process.exitValue() + "; its last output:\n"
                        + String.join("\n", files.tail(OUTPUT_LINES_IN_ERRORS)));
                throw new RunnerStartException(reason);
            }
        }
        throw new RunnerStartException("runner for " + spec.modelId() + " did not load its model within "
                + startTimeout + "; its last output:\n" + String.join("\n", files.tail(OUTPUT_LINES_IN_ERRORS)));
    }
}
