package io.rigpool.common.engines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The model architectures ({@code general.architecture}) a llama.cpp build loads. The worker reports them for its
 * java-llama engine, and the planner assumes them for a worker that reports no engines (one that predates them):
 * one list, so the two cannot disagree.
 */
public final class EngineArchitectures {

    /** The llama.cpp build java-llama.cpp 4.2.0 bundles. */
    public static final String JAVA_LLAMA_BUILD = "b4916";

    private static final String B4916_RESOURCE = "llama-b4916-architectures.txt";
    private static final Set<String> B4916 = read(B4916_RESOURCE);

    private EngineArchitectures() {
    }

    /** What java-llama.cpp 4.2.0 (llama.cpp b4916) loads: 60 architectures, from "arctic" to "xverse". */
    public static Set<String> javaLlamaB4916() {
        return B4916;
    }

    private static Set<String> read(String resource) {
        try (InputStream in = EngineArchitectures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " beside "
                        + EngineArchitectures.class.getName());
            }
            Set<String> names = new TreeSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
            return Set.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
