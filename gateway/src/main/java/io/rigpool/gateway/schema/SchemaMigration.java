package io.rigpool.gateway.schema;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

/**
 * Migrates the schema when the gateway starts. Quarkus opens the HTTP port only after every startup observer has
 * returned, and this one runs before the others (Kafka consumers included), so no request or result ever meets
 * an old schema.
 */
@ApplicationScoped
public class SchemaMigration {

    private static final Logger LOG = Logger.getLogger(SchemaMigration.class);

    void migrate(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
            AgroalDataSource dataSource) {
        MigrateResult result = GatewaySchema.migrate(dataSource);
        LOG.infof("schema %s at version %s (%d migrations applied now)", GatewaySchema.SCHEMA,
                result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                result.migrationsExecuted);
    }
}
