package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rigpool.infra.FreePorts;
import io.rigpool.local.deployment.DeploymentChecksReport;
import io.rigpool.local.deployment.DeploymentFiles;
import io.rigpool.local.reliability.JobLedger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path with real parts: planner, gateway and a worker as separate processes (their packaged apps), real
 * PostgreSQL and Kafka, a real runner process with llama.cpp on the generated demo model.
 */
class WalkingSkeletonIT {

    /** Shared with the other classes of one worker on the demo model (LocalStackExtension). */
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.of(StackConfig.demo("one-worker", 1));

    private static LocalStack stack;
    private static String model;
    private static StackClient client;

    @BeforeAll
    static void useStack() {
        stack = STACK.stack();
        client = STACK.client();
        model = STACK.model();
    }

    @Test
    void workersKeepTheirFilesInTheTestsDataFolder() throws Exception {
        Path dataDir = STACK.dataDir();
        assertTrue(Files.isDirectory(dataDir.resolve("runners")), "runner folders under the stack's data folder");
        try (var models = Files.list(dataDir.resolve("demo-models"))) {
            assertTrue(models.anyMatch(p -> p.toString().endsWith(".gguf")), "demo model under the data folder");
        }
    }

    @Test
    void twentyJobsSubmittedOverHttpAllSucceedAndAreStoredOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(client.submit(model, "Tell me about job " + i, 12, 0, i));
        }

        Map<String, JsonNode> done = new HashMap<>();
        Waits.until("20 jobs succeeded", Duration.ofMinutes(4), () -> {
            for (String id : ids) {
                if (!done.containsKey(id)) {
                    JsonNode job = client.job(id);
                    String status = job.get("status").asText();
                    assertFalse(status.equals("failed"), "job failed: " + job);
                    if (status.equals("succeeded")) {
                        done.put(id, job);
                    }
                }
            }
            return done.size() == ids.size();
        }, () -> "worker log:\n" + stack.workers().get(0).tail(30));
        for (JsonNode job : done.values()) {
            assertFalse(job.at("/result/text").asText().isBlank(), "empty text: " + job);
            assertTrue(job.at("/usage/completion_tokens").asInt() > 0, job.toString());
            assertTrue(job.at("/usage/prompt_tokens").asInt() > 0, job.toString());
        }

        JobLedger.Stored stored = new JobLedger(stack.infrastructure()).stored(ids);
        assertEquals(20, stored.rows(), "one row per job");
        assertEquals(20, stored.finishedAsSucceeded(), "every row finished once, as succeeded");
    }

    @Test
    void unknownModelIsRefusedWithAJsonErrorNamingIt() throws Exception {
        HttpResponse<String> r = client.post("/v1/jobs", """
                {"model": "no-such-model", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}""");
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(StackClient.json(r.body()).at("/error/message").asText().contains("no-such-model"), r.body());
    }

    /**
     * docker-compose.yml's healthchecks of planner and gateway, run as Docker runs a CMD-SHELL check in those images
     * (/bin/sh is dash), against this stack's services: they pass, and fail where nothing answers. The compose
     * management ports are swapped for this stack's; everything else is run as written.
     */
    @Test
    void composeHealthchecksPassUnderDash() throws Exception {
        Map<String, Integer> composePorts = Map.of("planner", 9081, "gateway", 9080);
        // Health answers on the management ports (9081, 9080 in compose).
        Map<String, Integer> stackPorts = Map.of("planner", stack.planner().managementPort(),
                "gateway", stack.gateway().managementPort());
        ObjectNode result = DeploymentChecksReport.section();
        for (String service : composePorts.keySet()) {
            String command = DeploymentFiles.composeHealthcheck(service);
            String composeAddress = "127.0.0.1:" + composePorts.get(service);
            assertTrue(command.contains(composeAddress), service + " healthcheck names its port: " + command);
            int up = dash(command.replace(composeAddress, "127.0.0.1:" + stackPorts.get(service)));
            int down = dash(command.replace(composeAddress, "127.0.0.1:" + FreePorts.find()));
            result.putObject(service).put("command", command).put("shell", "dash")
                    .put("exit_code_service_up", up).put("exit_code_nothing_listening", down);
            assertEquals(0, up, service + ": " + command);
            assertNotEquals(0, down, service + " healthcheck must fail where nothing answers");
        }
        DeploymentChecksReport.record("healthchecks_under_dash", result);
    }

    private static int dash(String command) throws Exception {
        Process shell = new ProcessBuilder("dash", "-c", command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!shell.waitFor(30, TimeUnit.SECONDS)) {
            shell.destroyForcibly();
            throw new AssertionError("healthcheck still running after 30 s: " + command);
        }
        return shell.exitValue();
    }

    @Test
    void healthMetricsAndOpenApiAnswerOnTheManagementPortsOnly() throws Exception {
        for (ServiceProcess service : List.of(stack.gateway(), stack.planner(), stack.workers().get(0))) {
            assertEquals(200, client.statusCode(service.managementPort(), "/q/metrics"), service.name());
            assertEquals(200, client.statusCode(service.managementPort(), "/q/health/ready"), service.name());
            assertEquals(404, client.statusCode(service.httpPort(), "/q/metrics"), service.name() + " on its API port");
        }
        assertEquals(200, client.statusCode(stack.gateway().managementPort(), "/q/openapi"));
        assertEquals(404, client.statusCode(stack.gateway().httpPort(), "/q/openapi"));
    }
}
