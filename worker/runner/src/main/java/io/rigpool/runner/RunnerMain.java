package io.rigpool.runner;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.rigpool.common.engines.EngineKind;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Entry point of the runner process: loads one model (in java-llama.cpp, or in a llama-server child), serves it on a loopback port and announces the port in the
 * port file. Exit codes: 2 when the model could not be loaded (reason on stderr and in {@code <port-file>.error}),
 * 64 for a wrong command line, 1 for anything else that stops it from starting.
 */
public final class RunnerMain {

    static final int EXIT_LOAD_FAILED = 2;
    static final int EXIT_USAGE = 64;
    static final int EXIT_START_FAILED = 1;

    private static final Logger LOG = Logger.getLogger(RunnerMain.class.getName());

    private RunnerMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s rigpool-runner: %5$s%6$s%n");
        }
        ParentProcessWatch.startIfRequested();
        RunnerOptions options;
        try {
            options = RunnerOptions.parse(args);
        } catch (RunnerOptions.UsageException e) {
            System.err.println("rigpool-runner: " + e.getMessage());
            System.err.print(RunnerOptions.usage());
            System.exit(EXIT_USAGE);
            return;
        }
        // A native llama.cpp thread is not a daemon: every way out of main ends the process explicitly.
        System.exit(run(options));
    }

    private static int run(RunnerOptions options) {
        ModelEngine model;
        try {
            model = options.engine().kind() == EngineKind.LLAMA_SERVER
                    ? LlamaServerModel.start(options)
                    : LoadedModel.load(options);
        } catch (ModelLoadException e) {
            return failed(options, EXIT_LOAD_FAILED, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // e.g. the native library does not load on this CPU or OS.
            return failed(options, EXIT_LOAD_FAILED, "llama.cpp could not be started: " + e);
        }
        Server server;
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .addService(new RunnerService(model, generationThreads()))
                    .build()
                    .start();
            AnnouncementFiles.announcePort(options.portFile(), server.getPort());
        } catch (IOException | RuntimeException e) {
            return failed(options, EXIT_START_FAILED, "could not serve the loaded model: " + e);
        }
        LOG.info(() -> "serving " + options.model().getFileName() + " on 127.0.0.1:" + server.getPort() + " ("
                + model.report().getLoadMs() + " ms to load, " + options.parallel() + " slots)");
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int failed(RunnerOptions options, int exitCode, String reason) {
        System.err.println("rigpool-runner: " + reason);
        try {
            AnnouncementFiles.announceFailure(options.portFile(), reason);
        } catch (IOException e) {
            System.err.println("rigpool-runner: could not write " + AnnouncementFiles.errorFileOf(options.portFile())
                    + ": " + e);
        }
        return exitCode;
    }

    private static ExecutorService generationThreads() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "generate-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
