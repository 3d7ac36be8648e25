package io.rigpool.common.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands Flyway a fixed list of migration files instead of letting it scan the class path. Quarkus' fast-jar class
 * loader does not list directories the way Flyway's scanner expects, so a scan finds nothing in the packaged app;
 * reading named resources works everywhere.
 */
public final class ListedMigrations implements ResourceProvider {

    private final String directory;
    private final List<String> fileNames;
    private final ClassLoader classLoader;

    public ListedMigrations(String directory, List<String> fileNames, ClassLoader classLoader) {
        this.directory = directory;
        this.fileNames = List.copyOf(fileNames);
        this.classLoader = classLoader;
        for (String name : this.fileNames) {
            if (classLoader.getResource(path(name)) == null) {
                throw new IllegalStateException("migration " + path(name) + " is listed but not on the class path");
            }
        }
    }

    @Override
    public LoadableResource getResource(String name) {
        return fileNames.stream().filter(name::equals).findFirst().map(this::resource).orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return fileNames.stream()
                .filter(name -> name.startsWith(prefix))
                .filter(name -> Arrays.stream(suffixes).anyMatch(name::endsWith))
                .map(this::resource)
                .toList();
    }

    private String path(String fileName) {
        return directory + "/" + fileName;
    }

    private LoadableResource resource(String fileName) {
        String path = path(fileName);
        return new LoadableResource() {
            @Override
            public Reader read() {
                InputStream in = classLoader.getResourceAsStream(path);
                if (in == null) {
                    throw new UncheckedIOException(new IOException("migration " + path + " disappeared"));
                }
                return new InputStreamReader(in, StandardCharsets.UTF_8);
            }

            @Override
            public String getAbsolutePath() {
                return path;
            }

            @Override
            public String getAbsolutePathOnDisk() {
                return path;
            }

            @Override
            public String getFilename() {
                return fileName;
            }

            @Override
            public String getRelativePath() {
                return path;
            }
        };
    }
}
