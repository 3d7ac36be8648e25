package io.rigpool.planner.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resource.classpath.ClassPathResource;

/** Hands Flyway a fixed list of migration scripts on the class path instead of letting it scan for them. */
final class ListedMigrations implements ResourceProvider {

    private final Location location;
    private final String directory;
    private final String[] names;
    private final ClassLoader classLoader;

    ListedMigrations(String directory, String[] names, ClassLoader classLoader) {
        this.location = new Location("classpath:" + directory);
        this.directory = directory;
        this.names = names.clone();
        this.classLoader = classLoader;
    }

    @Override
    public LoadableResource getResource(String name) {
        for (String n : names) {
            if (name.equals(n) || name.equals(directory + "/" + n)) {
                return resource(n);
            }
        }
        return null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> found = new ArrayList<>();
        for (String n : names) {
            if (!n.startsWith(prefix)) {
                continue;
            }
            for (String suffix : suffixes) {
                if (n.endsWith(suffix)) {
                    found.add(resource(n));
                    break;
                }
            }
        }
        return found;
    }

    private LoadableResource resource(String name) {
        String path = directory + "/" + name;
        if (classLoader.getResource(path) == null) {
            throw new IllegalStateException("migration " + path + " is listed but not on the class path");
        }
        return new ClassPathResource(location, path, classLoader, StandardCharsets.UTF_8);
    }
}
