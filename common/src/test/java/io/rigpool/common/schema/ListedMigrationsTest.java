package io.rigpool.common.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
import org.flywaydb.core.api.resource.LoadableResource;
import org.junit.jupiter.api.Test;

class ListedMigrationsTest {

    private static final List<String> FILES = List.of("V1__a.sql", "V2__b.sql");

    @Test
    void listedMigrationsAreFoundByPrefixAndSuffixAndRead() throws IOException {
        ListedMigrations migrations = new ListedMigrations("db/example", FILES, getClass().getClassLoader());

        List<String> versioned = migrations.getResources("V", new String[] {".sql"}).stream()
                .map(LoadableResource::getFilename).toList();
        assertEquals(FILES, versioned);
        assertTrue(migrations.getResources("R", new String[] {".sql"}).isEmpty());
        assertTrue(migrations.getResources("V", new String[] {".java"}).isEmpty());
        assertNull(migrations.getResource("V99__missing.sql"));

        try (BufferedReader reader = new BufferedReader(migrations.getResource("V2__b.sql").read())) {
            assertTrue(reader.lines().anyMatch(line -> line.contains("CREATE TABLE b")));
        }
    }

    @Test
    void aListedFileThatIsNotThereIsRefusedAtOnce() {
        assertThrows(IllegalStateException.class, () -> new ListedMigrations("db/example",
                List.of("V3__not_there.sql"), getClass().getClassLoader()));
    }
}
