package io.rigpool.local.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The shipped deployment files as data: docker-compose.yml (with its anchors and merge keys resolved, as compose
 * resolves them), the Kubernetes manifests, the Dockerfiles' ENV lines.
 */
public final class DeploymentFiles {

    /** Compose service, Kubernetes Deployment and the module whose packaged app it runs. */
    public static final Map<String, String> SERVICE_MODULES = Map.of(
            "planner", "planner/service", "gateway", "gateway", "worker", "worker/agent");

    private static final Pattern ENV_LINE = Pattern.compile("(?m)^ENV\\s+((?:.*\\\\\\n)*.*)$");
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)");

    private DeploymentFiles() {
    }

    /** The checkout (-Drigpool.home, which the module's pom sets). */
    public static Path root() {
        return Path.of(System.getProperty("rigpool.home", "../..")).toAbsolutePath().normalize();
    }

    public static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    /** docker-compose.yml as compose reads it: merge keys applied. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> compose() {
        return (Map<String, Object>) yaml().load(read("docker-compose.yml"));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> composeService(String name) {
        return (Map<String, Object>) ((Map<String, Object>) compose().get("services")).get(name);
    }

    /** The environment compose gives a service (values as written, before interpolation). */
    @SuppressWarnings("unchecked")
    public static Map<String, String> composeEnvironment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object environment = composeService(service).get("environment");
        if (environment instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        }
        return env;
    }

    /** A CMD-SHELL healthcheck's command line. */
    @SuppressWarnings("unchecked")
    public static String composeHealthcheck(String service) {
        List<String> test = (List<String>) ((Map<String, Object>) composeService(service).get("healthcheck"))
                .get("test");
        if (!test.get(0).equals("CMD-SHELL") || test.size() != 2) {
            throw new IllegalStateException(service + ": not a CMD-SHELL healthcheck: " + test);
        }
        return test.get(1);
    }

    /** Every document of every manifest in deploy/k8s, with the file it came from. */
    public record Manifest(String file, Map<String, Object> document) {
        public String kind() {
            return String.valueOf(document.get("kind"));
        }

        @SuppressWarnings("unchecked")
        public String name() {
            return String.valueOf(((Map<String, Object>) document.get("metadata")).get("name"));
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Manifest> kubernetesManifests() {
        List<Manifest> manifests = new ArrayList<>();
        for (String file : kustomizationResources()) {
            for (Object document : yaml().loadAll(read("deploy/k8s/" + file))) {
                if (document != null) {
                    manifests.add(new Manifest(file, (Map<String, Object>) document));
                }
            }
        }
        return manifests;
    }

    @SuppressWarnings("unchecked")
    public static List<String> kustomizationResources() {
        Map<String, Object> kustomization = (Map<String, Object>) yaml().load(read("deploy/k8s/kustomization.yaml"));
        return (List<String>) kustomization.get("resources");
    }

    /** The ENV lines of a Dockerfile, as name → value. */
    public static Map<String, String> dockerfileEnvironment(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher line = ENV_LINE.matcher(read(dockerfile));
        while (line.find()) {
            Matcher pair = ENV_PAIR.matcher(line.group(1));
            while (pair.find()) {
                env.put(pair.group(1), pair.group(2).replace("\"", ""));
            }
        }
        return env;
    }

    public static String dockerfileFor(String service) {
        return service.equals("worker") ? "deploy/docker/worker.Dockerfile" : "deploy/docker/service.Dockerfile";
    }
}
