package io.rigpool.gateway.schema;

import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** The gateway's tables: schema {@code gateway}, migrated by Flyway from the files named here. */
public final class GatewaySchema {

    public static final String SCHEMA = "gateway";
    public static final String DIRECTORY = "db/gateway";

    /** Every file under {@code src/main/resources/db/gateway}, oldest first; a test keeps this list complete. */
    public static final List<String> MIGRATIONS = List.of(
            "V1__jobs.sql",
            "V2__keys_ownership_and_streams.sql");

    private GatewaySchema() {
    }

    public static MigrateResult migrate(DataSource dataSource) {
        ClassLoader classLoader = GatewaySchema.class.getClassLoader();
        return Flyway.configure(classLoader)
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .createSchemas(true)
                .resourceProvider(new ListedMigrations(DIRECTORY, MIGRATIONS, classLoader))
                .javaMigrationClassProvider(List::of)
                .load()
                .migrate();
    }
}
