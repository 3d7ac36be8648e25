package io.rigpool.planner.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SchemaMigrationTest {

    @Test
    void everyMigrationFileIsListedInOrder() throws IOException {
        try (Stream<Path> dir = Files.list(Path.of("src/main/resources", SchemaMigration.DIRECTORY))) {
            assertEquals(dir.map(p -> p.getFileName().toString()).sorted().toList(), SchemaMigration.MIGRATIONS,
                    "a migration file was added without listing it in SchemaMigration.MIGRATIONS (or the reverse)");
        }
    }
}
