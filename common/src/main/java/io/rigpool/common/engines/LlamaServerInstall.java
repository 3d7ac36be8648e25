package io.rigpool.common.engines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a llama-server binary is, and what sits beside it. An install is a folder with {@code bin/llama-server}
 * and, from {@code deploy/llama-server/build-from-npm.sh}, {@code architectures.txt} (the model architectures that
 * llama.cpp loads) and {@code build.txt}.
 */
public final class LlamaServerInstall {

    /** The environment variable naming the binary: the worker's {@code rigpool.worker.llama-server.binary}. */
    public static final String BINARY_VARIABLE = "RIGPOOL_WORKER_LLAMA_SERVER_BINARY";
    /** The node-llama-cpp package whose llama.cpp snapshot build-from-npm.sh builds by default. */
    public static final String NPM_VERSION = "3.22.1";

    private LlamaServerInstall() {
    }

    /**
     * The binary the environment names, else the one build-from-npm.sh cached on this machine; empty when neither
     * exists (tests then skip, or fail where {@code RIGPOOL_REQUIRE_LLAMA_SERVER} is set, as in CI).
     */
    public static Optional<Path> locate() {
        String named = System.getenv(BINARY_VARIABLE);
        if (named != null && !named.isBlank()) {
            Path binary = Path.of(named.strip());
            return Files.isExecutable(binary) ? Optional.of(binary) : Optional.empty();
        }
        Path cached = cacheFolder().resolve("node-llama-cpp-" + NPM_VERSION).resolve("bin").resolve("llama-server");
        return Files.isExecutable(cached) ? Optional.of(cached) : Optional.empty();
    }

    /** Whether a missing binary is an error here rather than a reason to skip (CI sets it after building one). */
    public static boolean required() {
        String value = System.getenv("RIGPOOL_REQUIRE_LLAMA_SERVER");
        return value != null && !value.isBlank() && !value.equals("0");
    }

    /** build-from-npm.sh's cache: $RIGPOOL_LLAMA_SERVER_CACHE, else $XDG_CACHE_HOME or ~/.cache, /rigpool/llama-server. */
    public static Path cacheFolder() {
        String cache = System.getenv("RIGPOOL_LLAMA_SERVER_CACHE");
        if (cache != null && !cache.isBlank()) {
            return Path.of(cache);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("rigpool").resolve("llama-server");
    }

    /**
     * The architectures listed beside the binary ({@code ../architectures.txt} from {@code bin/llama-server}, or in
     * the binary's own folder); empty when there is no such list (an official release: configure the list).
     */
    public static Set<String> architectures(Path binary) throws IOException {
        Path folder = binary.toAbsolutePath().getParent();
        for (Path candidate : new Path[] {folder.resolve("architectures.txt"),
                folder.getParent() == null ? null : folder.getParent().resolve("architectures.txt")}) {
            if (candidate != null && Files.isRegularFile(candidate)) {
                Set<String> names = new TreeSet<>();
                for (String line : Files.readAllLines(candidate)) {
                    String name = line.strip();
                    if (!name.isEmpty() && !name.startsWith("#")) {
                        names.add(name);
                    }
                }
                return names;
            }
        }
        return Set.of();
    }

    /**
     * "0.5.0-dev (build 1, commit de3ff81)" from the "version: ..." line of {@code llama-server --version} (which
     * build-from-npm.sh also keeps in build.txt); empty when there is none.
     */
    public static Optional<String> versionIn(String output) {
        return output.lines().map(String::strip).filter(l -> l.startsWith("version:"))
                .map(l -> l.substring("version:".length()).strip()).filter(v -> !v.isEmpty()).findFirst();
    }
}
