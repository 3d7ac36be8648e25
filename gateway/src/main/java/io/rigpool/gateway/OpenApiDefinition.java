package io.rigpool.gateway;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The OpenAPI document's header (served at {@code /q/openapi}, browsable at {@code /q/swagger-ui}). */
@OpenAPIDefinition(
        info = @Info(title = "rigpool gateway", version = "1",
                description = "OpenAI-compatible chat completions and rigpool's asynchronous jobs API."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API key: Authorization: Bearer rp-...")
public class OpenApiDefinition extends Application {
}
