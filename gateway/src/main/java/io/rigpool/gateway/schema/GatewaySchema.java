package io.rigpool.gateway.schema;

import io.rigpool.common.schema.SchemaMigrations;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.api.output.MigrateResult;

/** The gateway's tables: schema {@code gateway}, migrated by Flyway from the files named here. */
public final class GatewaySchema {

    public static final String SCHEMA = "gateway";
    public static final String DIRECTORY = "db/gateway";

    /** Every file under {@code src/main/resources/db/gateway}, oldest first; a test keeps this list complete. */
    public static final List<String> MIGRATIONS = List.of(
            "V1__jobs.sql",
            "V2__keys_ownership_and_streams.sql",
            "V3__dead_letters.sql",
            "V4__generation_options.sql",
            "V5__logprobs_and_tool_calls.sql");

    private GatewaySchema() {
    }

    public static MigrateResult migrate(DataSource dataSource) {
        return SchemaMigrations.migrate(dataSource, SCHEMA, DIRECTORY, MIGRATIONS);
    }
}
