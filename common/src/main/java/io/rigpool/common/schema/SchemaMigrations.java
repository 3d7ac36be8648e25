package io.rigpool.common.schema;

import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a service's schema up to date with Flyway. quarkus-flyway has no release for the Quarkus version in use, so
 * gateway and planner run Flyway themselves at startup, each in its own schema, from an explicit list of files.
 */
public final class SchemaMigrations {

    private SchemaMigrations() {
    }

    /**
     * @param directory class-path directory of the SQL files, e.g. {@code db/gateway}
     * @param files every migration file in that directory, oldest first
     */
    public static MigrateResult migrate(DataSource dataSource, String schema, String directory, List<String> files) {
        ClassLoader classLoader = SchemaMigrations.class.getClassLoader();
        return Flyway.configure(classLoader)
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .resourceProvider(new ListedMigrations(directory, files, classLoader))
                .javaMigrationClassProvider(List::of)
                .load()
                .migrate();
    }
}
