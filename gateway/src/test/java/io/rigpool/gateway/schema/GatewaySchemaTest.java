package io.rigpool.gateway.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
}
