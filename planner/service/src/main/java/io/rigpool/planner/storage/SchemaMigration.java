package io.rigpool.planner.storage;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings the planner's schema up to date before anything else starts. quarkus-flyway has no release for this
 * Quarkus version, so Flyway runs here; the migrations are listed explicitly because Quarkus' packaged class loader
 * cannot be scanned like a directory.
 */
@Singleton
public class SchemaMigration {

    static final String SCHEMA = "planner";
    static final String[] MIGRATIONS = {"V1__nodes_and_plans.sql", "V2__placement.sql"};

    void migrate(@Observes @Priority(1) StartupEvent event, DataSource dataSource) {
        Flyway.configure(SchemaMigration.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .resourceProvider(new ListedMigrations("db/planner", MIGRATIONS, SchemaMigration.class.getClassLoader()))
                .load()
                .migrate();
    }
}
