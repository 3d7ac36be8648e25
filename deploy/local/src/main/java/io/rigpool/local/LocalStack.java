package io.rigpool.local;

import io.rigpool.common.engines.LlamaServerInstall;
import io.rigpool.common.files.Directories;
import io.rigpool.infra.FreePorts;
import io.rigpool.infra.Infrastructure;
import io.rigpool.infra.InfrastructureFactory;
import io.rigpool.infra.KafkaRole;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The whole of rigpool on one machine: PostgreSQL and Kafka (embedded real servers, or containers where Docker
 * runs), then planner, gateway and worker(s) as separate processes, wired together. {@code main} is the local
 * start command; the end-to-end tests start the very same stack.
 */
public final class LocalStack implements AutoCloseable {

    /** A service out of heap exits at once, so whoever supervises it starts it again cleanly. */
    private static final List<String> SERVICE_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError");

    private final StackOptions options;
    private final List<ServiceProcess> workers = new ArrayList<>();
    private final List<ServiceProcess> extraWorkers = new ArrayList<>();
    private final Map<String, String> workerSettings = new LinkedHashMap<>();
    private final Map<String, String> gatewaySettings = new LinkedHashMap<>();
    private Infrastructure infrastructure;
    private ServiceProcess planner;
    private ServiceProcess gateway;

    public LocalStack(StackOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        StackOptions options = StackCommand.parse(args);
        LocalStack stack = new LocalStack(options);
        // A llama-server on this machine (RIGPOOL_WORKER_LLAMA_SERVER_BINARY, or the one build-from-npm.sh cached)
        // gives the workers the second engine, for the architectures java-llama.cpp's llama.cpp does not load.
        LlamaServerInstall.locate().ifPresent(stack::withLlamaServer);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping rigpool ...");
            stack.close();
            stopped.countDown();
        }, "local-stack-stop"));
        try {
            stack.start();
            stack.printWelcome(stack.awaitModels(Duration.ofMinutes(3)));
        } catch (RuntimeException | LinkageError e) {
            System.err.println("rigpool did not start: " + e);
            System.exit(1);
        }
        stopped.await();
    }

    /** Settings every worker of this stack gets on top of the usual ones (set before {@link #start}). */
    public LocalStack withWorkerSettings(Map<String, String> settings) {
        workerSettings.putAll(settings);
        return this;
    }

    /** Settings every start of the gateway gets on top of the stack's own. */
    public LocalStack withGatewaySettings(Map<String, String> settings) {
        gatewaySettings.putAll(settings);
        return this;
    }

    /** Offers the llama-server engine on every worker, with this binary. */
    public LocalStack withLlamaServer(Path binary) {
        return withWorkerSettings(Map.of("rigpool.worker.llama-server.binary", binary.toString()));
    }

    public LocalStack start() {
        long began = System.nanoTime();
        System.out.println("starting PostgreSQL and Kafka (" + options.dataDir() + ") ...");
        // The broker is secured as a deployment's must be: SASL/SCRAM, one user per role, least-privilege ACLs.
        infrastructure = InfrastructureFactory.start(new InfrastructureFactory.Options(options.dataDir().resolve("infra"),
                options.postgresPort(), options.kafkaPort(), 8, true));
        Map<String, String> shared = new LinkedHashMap<>();
        shared.put("kafka.bootstrap.servers", infrastructure.kafkaBootstrapServers());
        shared.put("rigpool.cluster-token", options.clusterToken());
        Map<String, String> database = new LinkedHashMap<>(shared);
        database.put("quarkus.datasource.jdbc.url", infrastructure.jdbcUrl());
        database.put("quarkus.datasource.username", infrastructure.databaseUser());
        database.put("quarkus.datasource.password", infrastructure.databasePassword());

        System.out.println("starting planner and gateway ...");
        Map<String, String> plannerProps = new LinkedHashMap<>(database);
        plannerProps.putAll(kafkaSettings(KafkaRole.PLANNER));
        plannerProps.put("quarkus.http.port", String.valueOf(options.plannerPort()));
        plannerProps.put("rigpool.planner.admin-key", options.plannerAdminKey());
        planner = service("planner", "planner/service", plannerProps, options.plannerPort()).start();
        Map<String, String> gatewayProps = new LinkedHashMap<>(database);
        gatewayProps.putAll(kafkaSettings(KafkaRole.GATEWAY));
        gatewayProps.put("quarkus.http.port", String.valueOf(options.gatewayPort()));
        if (options.gatewayAdminKey() == null) {
            // A single-user local stack: no keys, and therefore reachable from this machine only.
            gatewayProps.put("rigpool.gateway.auth.enabled", "false");
            gatewayProps.put("quarkus.http.host", "127.0.0.1");
        } else {
            gatewayProps.put("rigpool.gateway.auth.bootstrap-admin-key", options.gatewayAdminKey());
        }
        gatewayProps.putAll(gatewaySettings);
        gateway = service("gateway", "gateway", gatewayProps, options.gatewayPort()).start();
        planner.awaitReady(Duration.ofMinutes(2));
        gateway.awaitReady(Duration.ofMinutes(2));

        for (int i = 1; i <= options.workers(); i++) {
            startWorker(i);
        }
        for (ServiceProcess worker : workers) {
            worker.awaitReady(Duration.ofMinutes(2));
        }
        System.out.printf("services up in %.1f s%n", (System.nanoTime() - began) / 1e9);
        return this;
    }

    private void startWorker(int index) {
        workers.add(worker("worker-" + index, index == 1 ? options.workerPort() : FreePorts.find(), Map.of()).start());
    }

    /**
     * Starts one more worker beside the stack's own, with settings of its own on top of the usual ones (another
     * model directory, another cluster token); it is stopped with the stack. Does not wait for it to be ready.
     */
    public ServiceProcess addWorker(String nodeId, Map<String, String> overrides) {
        ServiceProcess worker = worker(nodeId, FreePorts.find(), overrides).start();
        extraWorkers.add(worker);
        return worker;
    }

    private ServiceProcess worker(String nodeId, int port, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", infrastructure.kafkaBootstrapServers());
        props.putAll(kafkaSettings(KafkaRole.WORKER));
        props.put("rigpool.cluster-token", options.clusterToken());
        props.put("quarkus.http.port", String.valueOf(port));
        props.put("quarkus.grpc.clients.planner.host", "127.0.0.1");
        props.put("quarkus.grpc.clients.planner.port", String.valueOf(options.plannerPort()));
        props.put("rigpool.worker.node-id", nodeId);
        // The planner binds each node id to its own credential: a restarted worker must find it again.
        props.put("rigpool.worker.credential-file", options.dataDir().resolve("workers").resolve(nodeId)
                .resolve("node-credential").toString());
        // Runners' folders and the demo model under the stack's data folder too, not the temp folder: they go with it
        // (--fresh, or the throw-away folder of a test or benchmark) instead of outliving the run.
        props.put("rigpool.worker.runner.work-dir", options.dataDir().resolve("runners").toString());
        props.put("rigpool.worker.demo-model-dir", options.dataDir().resolve("demo-models").toString());
        props.put("rigpool.worker.runner.jar", options.home().resolve("worker/runner/target/rigpool-runner.jar")
                .toString());
        if (options.modelDir() != null) {
            props.put("rigpool.worker.model-dir", options.modelDir().toString());
        }
        props.putAll(workerSettings);
        props.putAll(overrides);
        return service(nodeId, "worker/agent", props, port);
    }

    /**
     * Stops a service as an operator would (SIGTERM) and starts it again with the same settings, then waits.
     *
     * @return the stopped process's exit code (see {@link ServiceProcess#stop})
     */
    public int restart(ServiceProcess service, Duration readyWithin) {
        int exitCode = service.stop(Duration.ofSeconds(20));
        service.start().awaitReady(readyWithin);
        return exitCode;
    }

    /** The role's Kafka credentials as Quarkus settings (kafka.*); the services pass them to every client. */
    private Map<String, String> kafkaSettings(KafkaRole role) {
        Map<String, String> settings = new LinkedHashMap<>();
        infrastructure.kafkaClientSettings(role).forEach((key, value) -> settings.put("kafka." + key, value));
        return settings;
    }

    private ServiceProcess service(String name, String module, Map<String, String> props, int port) {
        Path jar = options.home().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        Map<String, String> settings = new LinkedHashMap<>(props);
        // The local stack's secrets are its own defaults and random passwords of a machine of one's own.
        settings.put("rigpool.allow-weak-secrets", "true");
        // Health and metrics on a management port of each service's own (several workers share this machine).
        int managementPort = FreePorts.find();
        settings.put("quarkus.management.port", String.valueOf(managementPort));
        settings.put("quarkus.management.host", "127.0.0.1");
        return new ServiceProcess(name, jar, settings, SERVICE_JVM, options.dataDir().resolve("logs/" + name
                + ".log"), port, managementPort);
    }

    /** Waits until the gateway lists at least one model, which means a worker reported it to the planner. */
    public List<String> awaitModels(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create(gatewayUrl() + "/v1/models");
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                List<String> ids = ModelIds.of(r.body());
                if (r.statusCode() == 200 && !ids.isEmpty()) {
                    return ids;
                }
            } catch (java.io.IOException e) {
                // gateway busy or restarting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            for (ServiceProcess p : core()) {
                if (!p.alive()) {
                    throw new IllegalStateException(p.name() + " died; last lines of " + p.log() + ":\n" + p.tail(40));
                }
            }
            ServiceProcess.pause(250);
        }
        throw new IllegalStateException("no model became available within " + timeout + "; worker log:\n"
                + (workers.isEmpty() ? "" : workers.get(0).tail(40)));
    }

    private void printWelcome(List<String> models) {
        String model = models.get(0);
        System.out.println();
        System.out.println("rigpool is up.");
        System.out.println("  gateway  " + gatewayUrl() + "   (POST /v1/jobs, GET /v1/jobs/{id}, GET /v1/models)");
        System.out.println("  planner  " + plannerUrl() + "/admin/   (admin page; key: " + options.plannerAdminKey() + ")");
        System.out.println("  models   " + String.join(", ", models));
        System.out.println("  logs     " + options.dataDir().resolve("logs"));
        System.out.println();
        System.out.println("Try:");
        String auth = options.gatewayAdminKey() == null ? ""
                : " -H 'Authorization: Bearer " + options.gatewayAdminKey() + "'";
        System.out.println("  curl -s -X POST " + gatewayUrl() + "/v1/jobs -H 'Content-Type: application/json'" + auth
                + " \\");
        System.out.println("    -d '{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Hello!\"}],\"max_tokens\":32}'");
        System.out.println("  curl -s" + auth + " " + gatewayUrl() + "/v1/jobs/<id from the answer above>");
        System.out.println();
        System.out.println("Ctrl-C stops everything.");
    }

    public String gatewayUrl() {
        return "http://localhost:" + options.gatewayPort();
    }

    public String plannerUrl() {
        return "http://localhost:" + options.plannerPort();
    }

    /** The planner admin API's key ({@code Authorization: Bearer <key>}). */
    public String plannerAdminKey() {
        return options.plannerAdminKey();
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    public ServiceProcess planner() {
        return planner;
    }

    public ServiceProcess gateway() {
        return gateway;
    }

    public List<ServiceProcess> workers() {
        return List.copyOf(workers);
    }

    /** Everything to stop on close: extra workers first, then the stack's own services. */
    private List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(extraWorkers);
        all.addAll(core());
        return all;
    }

    private List<ServiceProcess> core() {
        List<ServiceProcess> all = new ArrayList<>(workers);
        if (gateway != null) {
            all.add(gateway);
        }
        if (planner != null) {
            all.add(planner);
        }
        return all;
    }

    /** Stops workers first (they hand back their jobs), then gateway and planner, then the servers. */
    @Override
    public synchronized void close() {
        for (ServiceProcess p : all()) {
            try {
                p.stop(Duration.ofSeconds(20));
            } catch (RuntimeException e) {
                System.err.println("could not stop " + p.name() + ": " + e.getMessage());
            }
        }
        if (infrastructure != null) {
            infrastructure.close();
            infrastructure = null;
        }
        if (options.deleteDataOnClose()) {
            Directories.deleteRecursively(options.dataDir());
        }
    }
}
