package io.rigpool.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.bench.worker.Processes;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import io.rigpool.infra.FreePorts;
import io.rigpool.infra.Infrastructure;
import io.rigpool.infra.InfrastructureFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real rigpool pipeline on this machine: embedded PostgreSQL and Kafka in this JVM, then the packaged planner,
 * gateway and one worker (with its runner) as child processes, wired as {@code io.rigpool.local.LocalStack} wires
 * them. Started here rather than through LocalStack because the benchmark must set what LocalStack does not expose:
 * the planner's slot choice (one option, so the worker's runner gets exactly {@code slots}) and the runner's threads.
 */
final class PipelineStack implements AutoCloseable {

    private static final List<String> SERVICE_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-Xss512k");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RUNNER_JAR = Path.of("worker/runner/target/rigpool-runner.jar");
    private static final List<String> APPS = List.of("planner/service/target/quarkus-app", "gateway/target/quarkus-app",
            "worker/agent/target/quarkus-app", "worker/runner/target/lib");

    /** One child service: its process, log and HTTP port. */
    record Service(String name, Process process, Path log, int port, int managementPort) {
    }

    private final boolean record;
    private final List<String> extraJvm;
    private final Path apps;
    private final Infrastructure infrastructure;
    private final List<Service> services = new ArrayList<>();
    private final Service gateway;
    private final Service worker;

    /**
     * @param modelDir a directory holding only the benchmark model
     * @param partitions the broker's default partitions of a new topic: those of every topic the services create
     * @param extraGateway further system properties for the gateway (tuning under test)
     * @param record whether the services record a Java Flight Recording into the logs directory
     * @param extraJvm further options of every service's JVM (tuning under test)
     */
    PipelineStack(Path checkout, Path workDir, Path modelDir, String modelId, int slots, int slotContext, int threads,
            int partitions, Map<String, String> extraGateway, boolean record, List<String> extraJvm) throws Exception {
        this.record = record;
        this.extraJvm = List.copyOf(extraJvm);
        this.apps = workDir.resolve("apps");
        Path home = snapshot(checkout, apps);
        infrastructure = InfrastructureFactory.start(new InfrastructureFactory.Options(workDir.resolve("infra"),
                FreePorts.find(), FreePorts.find(), partitions));
        try {
            String token = "bench-cluster-token";
            Map<String, String> database = new LinkedHashMap<>();
            database.put("kafka.bootstrap.servers", infrastructure.kafkaBootstrapServers());
            database.put("rigpool.cluster-token", token);
            database.put("quarkus.datasource.jdbc.url", infrastructure.jdbcUrl());
            database.put("quarkus.datasource.username", infrastructure.databaseUser());
            database.put("quarkus.datasource.password", infrastructure.databasePassword());

            int plannerPort = FreePorts.find();
            Map<String, String> planner = new LinkedHashMap<>(database);
            planner.put("quarkus.http.port", Integer.toString(plannerPort));
            planner.put("rigpool.planner.admin-key", "bench-planner-admin-key");
            planner.put("rigpool.planner.runners.slot-options", Integer.toString(slots));
            planner.put("rigpool.planner.runners.context-per-slot", Integer.toString(slotContext));
            Service plannerService = start(home, workDir, "planner", "planner/service", planner, plannerPort);

            int gatewayPort = FreePorts.find();
            Map<String, String> gatewayProps = new LinkedHashMap<>(database);
            gatewayProps.put("quarkus.http.port", Integer.toString(gatewayPort));
            gatewayProps.put("quarkus.http.host", "127.0.0.1");
            // One local client without keys: no rate or concurrency limit gets in the way of the measurement.
            gatewayProps.put("rigpool.gateway.auth.enabled", "false");
            gatewayProps.putAll(extraGateway);
            gateway = start(home, workDir, "gateway", "gateway", gatewayProps, gatewayPort);
            awaitReady(plannerService);
            awaitReady(gateway);

            int workerPort = FreePorts.find();
            Map<String, String> workerProps = new LinkedHashMap<>();
            workerProps.put("kafka.bootstrap.servers", infrastructure.kafkaBootstrapServers());
            workerProps.put("rigpool.cluster-token", token);
            workerProps.put("quarkus.http.port", Integer.toString(workerPort));
            workerProps.put("quarkus.grpc.clients.planner.host", "127.0.0.1");
            workerProps.put("quarkus.grpc.clients.planner.port", Integer.toString(plannerPort));
            workerProps.put("rigpool.worker.node-id", "bench-worker");
            workerProps.put("rigpool.worker.model-dir", modelDir.toString());
            workerProps.put("rigpool.worker.runner.jar", home.resolve(RUNNER_JAR).toString());
            workerProps.put("rigpool.worker.runner.threads", Integer.toString(threads));
            workerProps.put("rigpool.worker.runner.work-dir", workDir.resolve("runners").toString());
            // A packaged worker keeps its node credential in its working folder otherwise: the checkout.
            workerProps.put("rigpool.worker.credential-file", workDir.resolve("node-credential").toString());
            worker = start(home, workDir, "worker", "worker/agent", workerProps, workerPort);
            awaitReady(worker);
            awaitModel(modelId);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    Infrastructure infrastructure() {
        return infrastructure;
    }

    String gatewayUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    List<Service> services() {
        return List.copyOf(services);
    }

    /** Jobs stored with the given status, read from the gateway's table. */
    long countJobs(String status) throws SQLException {
        try (Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl(),
                infrastructure.databaseUser(), infrastructure.databasePassword());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM gateway.jobs WHERE status = '"
                        + status + "'")) {
            row.next();
            return row.getLong(1);
        }
    }

    /**
     * Copies the packaged apps out of the checkout: on a shared machine a build running beside the benchmark
     * replaces them while they load.
     */
    /**
     * Each job's stored moments, epoch milliseconds: created (gateway took it), published (Kafka acknowledged it),
     * started and finished (the worker's clock); then the runner's own time for the generation (prompt and decode,
     * as it reported them) in microseconds, or -1. A job not found is left out.
     */
    Map<String, long[]> moments(List<String> jobIds) throws SQLException {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl(),
                infrastructure.databaseUser(), infrastructure.databasePassword());
                PreparedStatement query = connection.prepareStatement("SELECT id::text, created_at, published_at,"
                        + " started_at, finished_at, (timings->>'promptEvalMs')::float8 + (timings->>'decodeMs')::float8"
                        + " FROM gateway.jobs WHERE id = ANY (?::uuid[])")) {
            query.setArray(1, connection.createArrayOf("text", jobIds.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long[] moments = new long[5];
                    for (int i = 0; i < 4; i++) {
                        OffsetDateTime at = rows.getObject(2 + i, OffsetDateTime.class);
                        moments[i] = at == null ? -1 : at.toInstant().toEpochMilli();
                    }
                    double runnerMs = rows.getDouble(6);
                    moments[4] = rows.wasNull() ? -1 : Math.round(runnerMs * 1000);
                    out.put(rows.getString(1), moments);
                }
            }
        }
        return out;
    }

    private static Path snapshot(Path checkout, Path into) throws IOException {
        for (String dir : APPS) {
            Path from = checkout.resolve(dir);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path to = into.resolve(dir).resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(file, to);
                    }
                }
            }
        }
        Files.copy(checkout.resolve(RUNNER_JAR), into.resolve(RUNNER_JAR));
        for (String app : APPS) {
            Path jar = into.resolve(app).resolve("quarkus-run.jar");
            if (app.endsWith("quarkus-app") && !Files.isRegularFile(jar)) {
                throw new IllegalStateException(checkout.resolve(app) + " has no quarkus-run.jar: a build was"
                        + " replacing it while it was copied; run again when it is done");
            }
        }
        return into;
    }

    private Service start(Path home, Path workDir, String name, String module, Map<String, String> props, int port)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Processes.java());
        command.addAll(SERVICE_JVM);
        command.addAll(extraJvm);
        if (record) {
            // A Java Flight Recording of the whole run (dumped at close): where its CPU went.
            command.add("-XX:StartFlightRecording=settings=profile");
        }
        command.add(ParentProcessWatch.jvmFlag());
        int managementPort = FreePorts.find();
        props.forEach((k, v) -> command.add("-D" + k + "=" + v));
        // The bench's secrets are made up for one run on one machine; health is on a management port of its own.
        command.add("-Drigpool.allow-weak-secrets=true");
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-jar");
        command.add(home.resolve(module).resolve("target/quarkus-app/quarkus-run.jar").toString());
        Path log = workDir.resolve("logs").resolve(name + ".log");
        Service service = new Service(name, Processes.start(command, log), log, port, managementPort);
        services.add(service);
        return service;
    }

    private static void awaitReady(Service service) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.1:" + service.managementPort() + "/q/health/ready");
        Processes.await(service.name() + " ready", service.process(), service.log(),
                () -> status(http, ready) == 200, Duration.ofMinutes(3));
    }

    /** Waits until the gateway lists the model: the worker loaded it and the planner told the gateway. */
    private void awaitModel(String modelId) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI models = URI.create(gatewayUrl() + "/v1/models");
        Processes.await("model " + modelId + " listed", worker.process(), worker.log(), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(models).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode model : JSON.readTree(r.body()).path("data")) {
                    if (modelId.equals(model.path("id").asText())) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, Duration.ofMinutes(3));
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Writes the service's flight recording now: a service ended by its parent's exit never writes it. */
    private static void dumpRecording(Service service) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(service.process().pid()), "JFR.dump",
                    "filename=" + service.log().resolveSibling(service.name() + ".jfr"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            dump.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            System.err.println("no flight recording of " + service.name() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Workers first (they hand back their jobs), then gateway and planner, then the servers. */
    @Override
    public void close() {
        if (record) {
            services.forEach(PipelineStack::dumpRecording);
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                Processes.end(services.get(i).process());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        infrastructure.close();
        try (Stream<Path> paths = Files.walk(apps)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete the copied apps: " + e.getMessage());
        }
    }
}
