package io.rigpool.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The entries rigpool's tests and services make in the temp folder (all named rigpool-*), and their sizes. */
final class TempFolder {

    static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"));

    private TempFolder() {
    }

    static Set<String> rigpoolEntries() {
        try (Stream<Path> entries = Files.list(ROOT)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rigpool-"))
                    .collect(TreeSet::new, Set::add, Set::addAll);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes under an entry; 0 when it vanished meanwhile. */
    static long bytes(String entry) {
        try (Stream<Path> files = Files.walk(ROOT.resolve(entry))) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
