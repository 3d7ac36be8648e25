package io.rigpool.infra;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * For the services' Quarkus tests: where the running app serves health, metrics and OpenAPI. That is the management
 * port (quarkus.management.*) where it is on, as in every deployment and the local stack; the tests' profile keeps
 * it off (see application.properties), so there they are on the test port.
 */
public final class ManagementInterface {

    private ManagementInterface() {
    }

    /** The full URL of a path such as {@code /q/metrics}. */
    public static String url(String path) {
        boolean separate = ConfigProvider.getConfig().getOptionalValue("quarkus.management.enabled", Boolean.class)
                .orElse(false);
        String base = separate ? TestHTTPResourceManager.getManagementUri() : TestHTTPResourceManager.getUri();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        // The management root path (/q) may or may not be part of the base; the paths given here always carry it.
        base = separate && base.endsWith("/q") ? base.substring(0, base.length() - 2) : base;
        return base + path;
    }
}
