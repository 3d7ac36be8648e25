package io.rigpool.local.deployment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The deployment checks' results as JSON, one section per check, merged into one file so that the checks of
 * separate test classes (and runs) add up: {@code -Drigpool.deployment-checks=FILE}, by default
 * {@code deploy/local/target/deployment-checks.json}. The lead's bench/results/deployment-checks.json is written by
 * pointing the property there (bench/README.md).
 */
public final class DeploymentChecksReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DeploymentChecksReport() {
    }

    public static ObjectNode section() {
        return JSON.createObjectNode();
    }

    public static synchronized void record(String name, ObjectNode section) {
        Path file = Path.of(System.getProperty("rigpool.deployment-checks", "target/deployment-checks.json"));
        try {
            ObjectNode all = Files.isRegularFile(file) ? (ObjectNode) JSON.readTree(file.toFile())
                    : JSON.createObjectNode();
            all.set(name, section);
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writeValue(file.toFile(), all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
