package io.rigpool.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's files are when a test of this module runs (Maven runs it in deploy/infra). */
final class RepositoryFiles {

    private RepositoryFiles() {
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
