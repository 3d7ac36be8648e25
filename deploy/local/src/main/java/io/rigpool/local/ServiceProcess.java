package io.rigpool.local;

import io.rigpool.common.lifecycle.ParentProcessWatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One rigpool service (a packaged Quarkus app) run as a child JVM. Its output goes to a log file; its standard input
 * stays a pipe, which {@code ParentProcessWatch} in the child watches, so it ends with us even after a SIGKILL.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    /** Properties whose values are secrets: they go to the child in its environment, not on its command line. */
    private static final Pattern SECRET = Pattern.compile("token|key|password|secret|jaas", Pattern.CASE_INSENSITIVE);

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final int httpPort;
    /** Where the service answers /q/health and /q/metrics (quarkus.management.port). */
    private final int managementPort;
    private Process process;

    ServiceProcess(String name, Path appJar, Map<String, String> properties, List<String> jvmOptions, Path log,
            int httpPort, int managementPort) {
        if (!Files.isRegularFile(appJar)) {
            throw new IllegalStateException(name + " is not built: " + appJar + " is missing (run ./mvnw -DskipTests"
                    + " install first)");
        }
        this.name = name;
        this.log = log;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.add(ParentProcessWatch.jvmFlag());
        Map<String, String> secrets = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            if (SECRET.matcher(k).find()) {
                // A command line is visible to every user of the machine (ps); the environment is not.
                secrets.put(environmentName(k), v);
            } else {
                cmd.add("-D" + k + "=" + v);
            }
        });
        this.environment = Map.copyOf(secrets);
        cmd.add("-jar");
        cmd.add(appJar.toString());
        this.command = List.copyOf(cmd);
    }

    /** Quarkus' environment-variable form of a property name: rigpool.cluster-token is RIGPOOL_CLUSTER_TOKEN. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        return this;
    }

    /** Waits until the service's readiness check answers 200; fails early if the process dies. */
    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; last lines of "
                        + log + ":\n" + tail(40));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            pause(200);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; last lines of " + log + ":\n"
                + tail(40));
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The port of /q/health and /q/metrics. */
    public int managementPort() {
        return managementPort;
    }

    public Path log() {
        return log;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process.pid();
    }

    /**
     * Ends the service as an operator would: SIGTERM, then SIGKILL if it does not stop in time.
     *
     * @return the exit code (143 after a clean SIGTERM shutdown, 137 when it had to be killed), or -1 when it was
     *         not running
     */
    public synchronized int stop(Duration grace) {
        if (process == null || !process.isAlive()) {
            return -1;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        // SIGTERM through the handle: Process.destroy() would also close the child's standard input, which
        // ParentProcessWatch takes for our death and halts at once, skipping the graceful shutdown (a gateway
        // then never leaves its Kafka group, and its partitions wait out the session timeout).
        process.toHandle().destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        } catch (IllegalThreadStateException e) {
            return -1;
        }
    }

    /** Ends the service the hard way (a crash); its own children notice and end too. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
