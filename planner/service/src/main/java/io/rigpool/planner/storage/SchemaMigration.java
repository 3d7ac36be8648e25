package io.rigpool.planner.storage;

import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.schema.SchemaMigrations;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import javax.sql.DataSource;

/**
 * Brings the planner's schema up to date before anything else starts. quarkus-flyway has no release for this
 * Quarkus version, so Flyway runs here; the migrations are listed explicitly because Quarkus' packaged class loader
 * cannot be scanned like a directory.
 */
@Singleton
public class SchemaMigration {

    static final String SCHEMA = "planner";
    static final String DIRECTORY = "db/planner";
    /** Every file under {@code src/main/resources/db/planner}, oldest first; a test keeps this list complete. */
    static final List<String> MIGRATIONS = List.of("V1__nodes_and_plans.sql", "V2__placement.sql",
            "V3__layer_caps.sql", "V4__node_credentials.sql", "V5__engines.sql");

    void migrate(@Observes @Priority(1) StartupEvent event, DataSource dataSource) {
        SchemaMigrations.migrate(dataSource, SCHEMA, DIRECTORY, MIGRATIONS);
    }
}
