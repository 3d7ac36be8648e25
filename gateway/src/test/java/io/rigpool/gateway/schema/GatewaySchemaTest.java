package io.rigpool.gateway.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.api.resource.LoadableResource;
import org.junit.jupiter.api.Test;

class GatewaySchemaTest {

    @Test
    void everyMigrationFileIsListedInOrder() throws IOException {
        List<String> files;
        try (Stream<Path> dir = Files.list(Path.of("src/main/resources", GatewaySchema.DIRECTORY))) {
            files = dir.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(files, GatewaySchema.MIGRATIONS,
                "a migration file was added without listing it in GatewaySchema.MIGRATIONS (or the reverse)");
    }

    @Test
    void listedMigrationsAreFoundByPrefixAndSuffixAndRead() throws IOException {
        ListedMigrations migrations = new ListedMigrations(GatewaySchema.DIRECTORY, GatewaySchema.MIGRATIONS,
                getClass().getClassLoader());

        List<String> versioned = migrations.getResources("V", new String[] {".sql"}).stream()
                .map(LoadableResource::getFilename).toList();
        assertEquals(GatewaySchema.MIGRATIONS, versioned);
        assertTrue(migrations.getResources("R", new String[] {".sql"}).isEmpty());
        assertTrue(migrations.getResources("V", new String[] {".java"}).isEmpty());
        assertNull(migrations.getResource("V99__missing.sql"));

        try (BufferedReader reader = new BufferedReader(migrations.getResource("V1__jobs.sql").read())) {
            assertTrue(reader.lines().anyMatch(line -> line.contains("CREATE TABLE jobs")));
        }
    }

    @Test
    void aListedFileThatIsNotThereIsRefusedAtOnce() {
        assertThrows(IllegalStateException.class, () -> new ListedMigrations(GatewaySchema.DIRECTORY,
                List.of("V2__not_there.sql"), getClass().getClassLoader()));
    }
}
